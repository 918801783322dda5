"""Django's fr_CA formats, with the hour written « 16 h 04 »: Django's own « H h i » reads its
middle « h » as the 12-hour hour (« 16 04 36 »)."""

from django.conf.locale.fr_CA.formats import *  # noqa: F403

TIME_FORMAT = "H\xa0\\h\xa0i"
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"
