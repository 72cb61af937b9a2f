"""The factories make valid rows of every model: tests that break one rule break only that one."""

import pytest
from django.apps import apps
from guardian.models.models import BaseObjectPermission

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    factory._meta.model: factory
    for name in factories.__all__
    if name.endswith("Factory") and name not in {"AdminFactory", "MunicipalityFactory"}
    for factory in [getattr(factories, name)]
}


def _domain_models():
    for label in ("partners", "programme", "funding", "consultation"):
        for model in apps.get_app_config(label).get_models():
            # History copies and guardian's permission rows are written by the services only.
            if not model.__name__.startswith("Historical") and not issubclass(
                model, BaseObjectPermission
            ):
                yield model


def test_every_domain_model_has_a_factory():
    assert {model.__name__ for model in _domain_models()} <= {model.__name__ for model in FACTORIES}


@pytest.mark.parametrize("factory", FACTORIES.values(), ids=lambda f: f.__name__)
def test_factory_row_passes_full_clean(factory):
    row = factory()

    row.full_clean()
