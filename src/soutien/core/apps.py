from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "soutien.core"
    verbose_name = "Soutien à la mission"
