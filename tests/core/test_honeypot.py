"""core.forms.HoneypotMixin: a field people never see; filled, the form is refused."""

from django import forms
from django.template import Context, Template

from core.forms import HONEYPOT_FIELD, HoneypotMixin, RegiaForm


class CommentForm(HoneypotMixin, RegiaForm):
    text = forms.CharField(max_length=200)


def test_an_empty_honeypot_lets_the_form_through():
    form = CommentForm({"text": "Più piste ciclabili", HONEYPOT_FIELD: ""})

    assert form.is_valid()
    assert not form.honeypot_tripped


def test_a_missing_honeypot_counts_as_empty():
    assert CommentForm({"text": "Più piste ciclabili"}).is_valid()


def test_a_filled_honeypot_makes_the_form_invalid_with_a_neutral_message(english):
    form = CommentForm({"text": "Buy now", HONEYPOT_FIELD: "http://spam.example"})

    assert not form.is_valid()
    assert form.honeypot_tripped
    assert form.non_field_errors() == ["The form could not be sent. Please try again."]
    # The message says nothing about the trap.
    assert HONEYPOT_FIELD not in str(form.errors)


def test_the_honeypot_is_hidden_from_sight_and_keyboard_and_labelled_for_screen_readers(english):
    html = Template("{{ form }}").render(Context({"form": CommentForm()}))

    before, after = html.split(f'name="{HONEYPOT_FIELD}"')
    wrapper = before.rsplit("<div", 1)[1]
    assert 'class="visually-hidden"' in wrapper, "the honeypot sits in a visually hidden wrapper"
    tag = after.split(">")[0]
    assert 'tabindex="-1"' in tag
    assert 'autocomplete="off"' in tag
    assert "Leave this field empty" in html
    assert " style=" not in html
