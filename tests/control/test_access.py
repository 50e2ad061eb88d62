"""Who may call the control API: loopback clients, others with the token or when it is opened."""

from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request

from wa_emulator.control.access import APP_KEY as access_key
from wa_emulator.control.access import LOOPBACK_ONLY, OPEN, TOKEN, ControlAccess
from wa_emulator.core.destinations import USER_AGENT
from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.settings import Settings
from wa_emulator.testing.emulator import Emulator
from wa_emulator.web.http import ApiError

TOKEN_VALUE = "s3cret-token"


def request_from(peer: tuple | str | None, path: str = "/_emulator/messages", **headers: str):
    """A request whose connection comes from ``peer`` (the transport's peername)."""
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: peer if name == "peername" else default
    return make_mocked_request("GET", path, headers=headers, transport=transport)


def refusal(access: ControlAccess, request) -> ApiError:
    with pytest.raises(ApiError) as caught:
        access.admit(request)
    return caught.value


REMOTE = ("10.0.0.5", 50123)


@pytest.mark.parametrize("peer", [("127.0.0.1", 1), ("127.9.9.9", 1), ("::1", 1, 0, 0), ("::ffff:127.0.0.1", 1, 0, 0)])
@pytest.mark.parametrize("mode", [LOOPBACK_ONLY, TOKEN, OPEN])
def test_loopback_clients_are_admitted_in_every_mode(peer, mode):
    assert ControlAccess(mode, TOKEN_VALUE if mode == TOKEN else None).admit(request_from(peer)) is None


def test_by_default_a_remote_client_is_refused_403_saying_how_to_open_it():
    error = refusal(ControlAccess(LOOPBACK_ONLY), request_from(REMOTE))
    assert error.status == 403 and error.code == "control_loopback_only"
    assert "--control-token" in error.message and "--control-open" in error.message


def test_a_forwarding_header_does_not_make_a_remote_client_local():
    error = refusal(ControlAccess(LOOPBACK_ONLY), request_from(REMOTE, **{"X-Forwarded-For": "127.0.0.1",
                                                                          "Forwarded": "for=127.0.0.1"}))
    assert error.status == 403


def test_a_request_without_a_peer_is_not_local():
    assert refusal(ControlAccess(LOOPBACK_ONLY), request_from(None)).status == 403


def test_with_a_token_a_remote_client_needs_it():
    access = ControlAccess(TOKEN, TOKEN_VALUE)
    missing = refusal(access, request_from(REMOTE))
    assert missing.status == 401 and missing.code == "control_token_required"
    assert "Authorization: Bearer <token>" in missing.message and "X-Emulator-Token" in missing.message
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    for wrong in ({"Authorization": "Bearer nope"}, {"X-Emulator-Token": TOKEN_VALUE + "x"},
                  {"Authorization": f"Basic {TOKEN_VALUE}"}):
        error = refusal(access, request_from(REMOTE, **wrong))
        assert error.status == 401, wrong
    assert access.admit(request_from(REMOTE, Authorization=f"Bearer {TOKEN_VALUE}")) is None
    assert access.admit(request_from(REMOTE, Authorization=f"bearer  {TOKEN_VALUE} ")) is None
    assert access.admit(request_from(REMOTE, **{"X-Emulator-Token": TOKEN_VALUE})) is None


def test_open_admits_anyone_and_health_answers_everyone():
    assert ControlAccess(OPEN).admit(request_from(REMOTE)) is None
    assert ControlAccess(LOOPBACK_ONLY).admit(request_from(REMOTE, "/_emulator/health")) is None


@pytest.mark.parametrize("mode", [LOOPBACK_ONLY, TOKEN, OPEN])
def test_a_webhook_of_this_process_is_refused_in_every_mode(mode):
    error = refusal(ControlAccess(mode, TOKEN_VALUE), request_from(("127.0.0.1", 1), **{"User-Agent": USER_AGENT}))
    assert error.status == 403 and error.code == "webhook_refused"


@pytest.mark.parametrize(("settings", "mode"), [
    (Settings(), LOOPBACK_ONLY),
    (Settings(host="localhost"), LOOPBACK_ONLY),
    (Settings(host="0.0.0.0"), TOKEN),
    (Settings(host="192.168.1.20"), TOKEN),
    (Settings(control_token="given"), TOKEN),
    (Settings(host="0.0.0.0", control_open=True), OPEN),
])
def test_the_mode_follows_the_settings(settings, mode):
    assert ControlAccess.from_settings(settings).mode == mode


def test_binding_beyond_loopback_generates_a_fresh_token_unless_one_is_given():
    first, second = (ControlAccess.from_settings(Settings(host="0.0.0.0")).token for _ in range(2))
    assert first and second and first != second and len(first) >= 32
    assert ControlAccess.from_settings(Settings(host="0.0.0.0", control_token="given")).token == "given"
    with pytest.raises(ValueError, match="exclude each other"):
        ControlAccess.from_settings(Settings(control_token="given", control_open=True))
    with pytest.raises(ValueError, match="must not be empty"):
        ControlAccess.from_settings(Settings(control_token=" "))


# -- end to end: a server on 127.0.0.1 whose control door treats every client as remote -----------


async def remote_view(http, emu: Emulator, path: str = "/_emulator/messages", **headers: str):
    async with http.get(emu.base_url + path, headers=headers) as response:
        return response.status, await response.json(), response.headers


@pytest.fixture
async def remote(request):
    """An emulator with the given settings whose control door trusts no client (plays a remote one)."""
    async with Emulator(strict=True, **request.param) as emulator:
        emulator.app[access_key].trusts = lambda request: False
        yield emulator


@pytest.mark.parametrize("remote", [{"control_token": TOKEN_VALUE}], indirect=True)
async def test_a_remote_client_with_the_token_is_served_and_without_it_refused(remote, http):
    status, body, headers = await remote_view(http, remote)
    assert status == 401 and body["error"]["code"] == "control_token_required"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    status, body, _ = await remote_view(http, remote, Authorization="Bearer wrong")
    assert status == 401 and body["error"]["code"] == "control_token_invalid"
    status, body, _ = await remote_view(http, remote, Authorization=f"Bearer {TOKEN_VALUE}")
    assert status == 200 and body["data"] == []
    status, body, _ = await remote_view(http, remote, "/_emulator/no-such-thing")
    assert status == 401, "an unknown control path reveals nothing either"
    async with http.post(remote.base_url + "/_emulator/reset") as response:
        assert response.status == 401
    assert (await remote_view(http, remote, "/_emulator/health"))[0] == 200
    assert remote.control_token == TOKEN_VALUE


@pytest.mark.parametrize("remote", [{}], indirect=True)
async def test_by_default_a_remote_client_gets_403_and_provider_routes_keep_their_own_auth(remote, http):
    status, body, _ = await remote_view(http, remote, "/_emulator/credentials")
    assert status == 403 and body["error"]["code"] == "control_loopback_only"
    status_url = remote.url("mojeeb") + "/v1/whatsapp/messages/no-such-id"
    async with http.get(status_url, headers={"Authorization": f"Bearer {mojeeb.KEY_FULL}"}) as response:
        assert response.status == 404, "served: the provider's own answer, not the control door's"
    async with http.get(status_url) as response:
        assert response.status == 401 and "control" not in await response.text()


@pytest.mark.parametrize("remote", [{"control_open": True}], indirect=True)
async def test_an_open_control_api_serves_a_remote_client(remote, http):
    assert (await remote_view(http, remote))[0] == 200
    assert remote.control_token is None


async def test_a_loopback_client_is_served_without_a_token(http):
    async with Emulator(control_token=TOKEN_VALUE) as emu:
        assert (await remote_view(http, emu))[0] == 200


# -- the dashboard in token mode: ?token= once, then an HttpOnly cookie a browser sends by itself ------


def cookie_of(access: ControlAccess) -> str:
    return f"wa_emulator_control={access.cookie_value()}"


def test_the_dashboard_cookie_admits_a_remote_browser_like_the_token():
    access = ControlAccess(TOKEN, TOKEN_VALUE)
    assert access.admit(request_from(REMOTE, "/_emulator/events", Cookie=cookie_of(access))) is None
    assert TOKEN_VALUE not in access.cookie_value()  # the cookie is a digest, never the token itself
    forged = refusal(access, request_from(REMOTE, "/_emulator/events", Cookie="wa_emulator_control=forged"))
    assert forged.status == 401 and forged.code == "control_token_invalid" and "?token=" in forged.message
    other = ControlAccess(TOKEN, "another-token")  # a server restarted with another token
    assert refusal(other, request_from(REMOTE, "/_emulator/events", Cookie=cookie_of(access))).status == 401
    # Only token mode knows the cookie: by default a remote client stays refused whatever it sends.
    assert refusal(ControlAccess(LOOPBACK_ONLY), request_from(REMOTE, Cookie=cookie_of(access))).status == 403


def test_a_change_made_with_the_cookie_must_come_from_the_dashboards_own_origin():
    access = ControlAccess(TOKEN, TOKEN_VALUE)

    def post(**headers: str):
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda name, default=None: REMOTE if name == "peername" else default
        return make_mocked_request("POST", "/_emulator/reset", transport=transport,
                                   headers={"Host": "box:8066", "Cookie": cookie_of(access), **headers})

    assert access.admit(post(Origin="http://box:8066")) is None
    for origin in ({"Origin": "http://box:9000"}, {"Origin": "http://evil.example"}, {}):
        error = refusal(access, post(**origin))
        assert error.status == 403 and error.code == "control_cross_origin", origin


def test_the_token_is_exchanged_for_the_cookie_only_when_it_matches():
    access = ControlAccess(TOKEN, TOKEN_VALUE)
    assert access.login(TOKEN_VALUE) == access.cookie_value()
    for wrong in ("", "nope", TOKEN_VALUE + "x"):
        with pytest.raises(ApiError) as caught:
            access.login(wrong)
        assert caught.value.status == 401
    assert ControlAccess(TOKEN, "gen", generated=True).dashboard_query() == "?token=gen"
    assert "s3cret" not in ControlAccess(TOKEN, TOKEN_VALUE).dashboard_query()  # a given token is not echoed


@pytest.mark.parametrize("remote", [{"control_token": TOKEN_VALUE}], indirect=True)
async def test_a_remote_browser_opens_the_dashboard_with_the_token_once(remote, http):
    page = remote.base_url + "/_emulator/ui/"
    async with http.get(page + "?token=wrong", allow_redirects=False) as response:
        assert response.status == 401 and "Set-Cookie" not in response.headers
    async with http.get(page + f"?token={TOKEN_VALUE}", allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == "/_emulator/ui/"  # the token leaves the URL
        cookie = response.cookies["wa_emulator_control"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/_emulator"
        assert TOKEN_VALUE not in response.headers["Set-Cookie"]
    sent = {"Cookie": f"wa_emulator_control={cookie.value}"}
    for path in ("/_emulator/ui/", "/_emulator/ui/boot.json", "/_emulator/messages"):
        async with http.get(remote.base_url + path, headers=sent) as response:
            assert response.status == 200, path
    async with http.get(remote.base_url + "/_emulator/events", headers=sent) as stream:
        assert stream.status == 200 and stream.headers["Content-Type"] == "text/event-stream"
    own = {**sent, "Origin": remote.base_url}
    async with http.post(remote.base_url + "/_emulator/webhooks/hold", headers=own, json={}) as response:
        assert response.status == 201
    async with http.post(remote.base_url + "/_emulator/reset", headers={**sent, "Origin": "http://127.0.0.1:1"}) as r:
        assert r.status == 403
    async with http.get(page) as response:
        assert response.status == 401, "without the cookie the page stays closed"


def test_the_banner_prints_the_dashboards_ready_url_in_token_mode():
    from wa_emulator.app import create_app
    from wa_emulator.cli import banner

    def ui_line(**settings) -> tuple[str, ControlAccess]:
        app = create_app(Settings(port=0, **settings))  # not bound: the banner is built from the settings
        line = next(line for line in banner(app, "127.0.0.1", 8066).splitlines() if line.startswith("  ui "))
        return line.split()[1], app[access_key]

    url, access = ui_line(host="0.0.0.0")
    assert url == f"http://127.0.0.1:8066/_emulator/ui/?token={access.token}" and access.generated
    assert ui_line()[0] == "http://127.0.0.1:8066/_emulator/ui/"
    assert TOKEN_VALUE not in ui_line(control_token=TOKEN_VALUE)[0]  # a token given is not echoed into logs
