from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Consultation")

    def ready(self):
        # A citizen's answers go into "download my data", and leave with a deleted account.
        from consultation import services
        from core import personal_data

        personal_data.register_exporter("consultation_answers", services.citizen_answers)
        personal_data.register_eraser(services.citizen_answers_forget)
