"""Routes of the server-rendered web app (sign up, timelines, profiles, settings)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from roost.web.uploads import media_file
from roost.web.views import (
    auth,
    conversations,
    edits,
    lists,
    oauth,
    profiles,
    scheduled,
    settings,
    statuses,
    timelines,
)


def web_routes() -> list[BaseRoute]:
    """Every web page route; mounted by create_app after the API."""
    get, post = ["GET"], ["POST"]
    return [
        Route("/", timelines.home, methods=get),
        Route("/home/new", timelines.home_new, methods=get),
        Route("/public", timelines.public, methods=get),
        Route("/tags/{name}", timelines.tag, methods=get),
        Route("/bookmarks", timelines.bookmarks, methods=get),
        Route("/notifications", timelines.notifications, methods=get),
        Route("/conversations", conversations.conversations, methods=get),
        Route("/lists", lists.lists_page, methods=get),
        Route("/lists", lists.create, methods=post),
        Route("/lists/{id}", lists.list_page, methods=get),
        Route("/lists/{id}/{action}", lists.change, methods=post),
        Route("/conversations/{id}", conversations.conversation, methods=get),
        Route("/follow_requests", profiles.follow_requests, methods=get),
        Route("/follow_requests/{id}/{action}", profiles.answer_follow_request, methods=post),
        Route("/oauth/authorize", oauth.authorize_page, methods=get),
        Route("/oauth/authorize", oauth.authorize_submit, methods=post),
        Route("/login", auth.login_page, methods=get),
        Route("/login", auth.login_submit, methods=post),
        Route("/logout", auth.logout, methods=post),
        Route("/signup", auth.signup_page, methods=get),
        Route("/signup", auth.signup_submit, methods=post),
        Route("/language", auth.choose_language, methods=post),
        Route("/compose", statuses.compose, methods=get),
        Route("/statuses", statuses.post_status, methods=post),
        Route("/statuses/{id}/delete", statuses.delete_status, methods=post),
        Route("/statuses/{id}/{action}", statuses.interact, methods=post),
        Route("/polls/{id}/votes", statuses.vote, methods=post),
        Route("/scheduled", scheduled.scheduled_page, methods=get),
        Route("/scheduled/{id}/cancel", scheduled.cancel_scheduled, methods=post),
        Route("/settings", settings.settings_index, methods=get),
        Route("/settings/profile", settings.profile_settings, methods=get),
        Route("/settings/profile", settings.profile_settings_submit, methods=post),
        Route("/settings/account", settings.account_settings, methods=get),
        Route("/settings/account", settings.password_submit, methods=post),
        Route("/settings/preferences", settings.preferences, methods=get),
        Route("/settings/preferences", settings.preferences_submit, methods=post),
        Route("/media/{path:path}", media_file, methods=get),
        Route("/@{name}", profiles.profile, methods=get),
        Route("/@{name}/with_replies", profiles.profile_with_replies, methods=get),
        Route("/@{name}/media", profiles.profile_media, methods=get),
        Route("/@{name}/follow", profiles.follow, methods=post),
        Route("/@{name}/unfollow", profiles.unfollow, methods=post),
        Route("/@{name}/{id}/edit", edits.edit_page, methods=get),
        Route("/@{name}/{id}/edit", edits.edit_submit, methods=post),
        Route("/@{name}/{id}/history", edits.history_page, methods=get),
        Route("/@{name}/{id}", profiles.status_page, methods=get),
    ]
