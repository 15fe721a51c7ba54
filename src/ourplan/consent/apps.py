from django.apps import AppConfig


class ConsentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ourplan.consent"
    verbose_name = "Sharing and consent"

    def ready(self) -> None:
        from ourplan.consent import audit_words
        from ourplan.consent.review_prompt import sharing_to_look_at_again
        from ourplan.plans.extensions import register_review_prompt

        audit_words.register()
        register_review_prompt(sharing_to_look_at_again)
