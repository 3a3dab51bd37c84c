from django.urls import path

from salespipe.feeds import views

app_name = "feeds"

urlpatterns = [
    path("profile/calendar-feed/", views.calendar_feed, name="calendar_feed"),
    path("profile/calendar-feed/stop/", views.calendar_feed_stop, name="calendar_feed_stop"),
    path("feeds/calendar/<str:secret>.ics", views.ics, name="ics"),
]
