from django.urls import include, path

from salespipe.pipeline.views import board, calendar, changes, live, more

app_name = "pipeline"

urlpatterns = [
    path("board/", board.board_page, name="board"),
    path("board/weighted/", board.weighted, name="weighted"),
    path("board/tags.css", board.tag_styles, name="tag_styles"),
    path("board/closed/", board.closed, name="closed"),
    path("board/more/", more.board_more, name="board_more"),
    path("board/found/", more.board_found, name="board_found"),
    path("board/changes/", changes.changes, name="changes"),
    path("board/opportunities/<int:pk>/move/", board.move, name="move"),
    path("board/opportunities/<int:pk>/win/", board.win, name="win"),
    path("board/opportunities/<int:pk>/lose/", board.lose, name="lose"),
    path("board/opportunities/<int:pk>/delete/", board.delete, name="delete"),
    path("board/opportunities/<int:pk>/reuse/", board.reuse, name="reuse"),
    path("board/opportunities/<int:pk>/actions/", board.actions, name="actions"),
    path("board/actions/<int:pk>/done/", board.action_done, name="action_done"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("live/", live.live_feed, name="live_feed"),
    path("calendar/weighted/", calendar.weighted, name="calendar_weighted"),
    path("calendar/more/", more.calendar_more, name="calendar_more"),
    path("calendar/found/", more.calendar_found, name="calendar_found"),
    path(
        "calendar/opportunities/<int:pk>/schedule/",
        calendar.schedule,
        name="calendar_schedule",
    ),
    path("", include("salespipe.pipeline.sheet_urls")),
]
