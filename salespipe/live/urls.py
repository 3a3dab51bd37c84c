from django.urls import path

from salespipe.live.feed import live_feed

app_name = "live"

urlpatterns = [path("live/", live_feed, name="feed")]
