from django.urls import include, path

from salespipe.pipeline import calendar_views, change_views, more_views, views

app_name = "pipeline"

urlpatterns = [
    path("board/", views.board_page, name="board"),
    path("board/weighted/", views.weighted, name="weighted"),
    path("board/tags.css", views.tag_styles, name="tag_styles"),
    path("board/closed/", views.closed, name="closed"),
    path("board/more/", more_views.board_more, name="board_more"),
    path("board/found/", more_views.board_found, name="board_found"),
    path("board/changes/", change_views.changes, name="changes"),
    path("board/opportunities/<int:pk>/move/", views.move, name="move"),
    path("board/opportunities/<int:pk>/win/", views.win, name="win"),
    path("board/opportunities/<int:pk>/lose/", views.lose, name="lose"),
    path("board/opportunities/<int:pk>/delete/", views.delete, name="delete"),
    path("board/opportunities/<int:pk>/reuse/", views.reuse, name="reuse"),
    path("board/opportunities/<int:pk>/actions/", views.actions, name="actions"),
    path("board/actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/weighted/", calendar_views.weighted, name="calendar_weighted"),
    path("calendar/more/", more_views.calendar_more, name="calendar_more"),
    path("calendar/found/", more_views.calendar_found, name="calendar_found"),
    path(
        "calendar/opportunities/<int:pk>/schedule/",
        calendar_views.schedule,
        name="calendar_schedule",
    ),
    path("", include("salespipe.pipeline.sheet_urls")),
]
