from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """留才（个人诉求）: interviews on a cycle, demands followed to closure, policy
    measures, retained/lost outcomes (issue 9). A sub-app of the young-cadre bank
    with its own label and migrations; it also serves village reserve cadres in
    training or in the pool."""

    name = "youth_cadres.retention"
    label = "retention"
    verbose_name = "留才（个人诉求）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from youth_cadres.retention import wiring

        wiring.connect()
