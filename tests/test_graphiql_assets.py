"""GraphiQL's assets are the application's own (issue 17 item 1): the page names no other host,
every vendored file matches its pinned hash and carries its licence, the app serves exactly those
files (compressed, cached), and production serves neither the page nor the files.

The browser side (loads offline, runs a query, shows the docs) is tests/browser/test_graphiql.py.
"""

import base64
import hashlib
import re

from core.web import ide
from tests.test_http_limits import _env_with


def test_the_page_loads_only_local_files_with_their_pinned_hashes(core_env):
    response = core_env.http.get("/graphql")
    assert response.status_code == 200
    page = response.text
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp and "default-src &#x27;self&#x27;; script-src &#x27;self&#x27;;" in csp.group(1)
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/graphiql/") or u.startswith("data:") for u in urls), urls
    assert "//" not in "".join(u for u in urls if not u.startswith("data:"))
    for package in ide.manifest():
        assert re.fullmatch(r"\d+\.\d+\.\d+", package["version"])  # exact, not a range
        assert package["npm_integrity"].startswith("sha512-")
        assert "MIT License" in (ide.VENDOR / package["licence_file"]).read_text()
        for f in package["files"]:
            data = (ide.VENDOR / f["path"]).read_bytes()
            digest = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
            assert digest == f["sha384"], f["path"]
            assert f'/graphiql/vendor/{f["path"]}" integrity="{digest}"' in page
    # React, then ReactDOM, then GraphiQL, then the start script
    order = [
        page.index(name)
        for name in ("react.production", "react-dom.production", "graphiql.min.js", "start.js")
    ]
    assert order == sorted(order)


def test_the_app_serves_the_vendored_files_and_nothing_else(core_env):
    http = core_env.http
    path = "/graphiql/vendor/graphiql-3.8.3/graphiql.min.js"
    plain = http.get(path, headers={"accept-encoding": "identity"})
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/javascript")
    assert "immutable" in plain.headers["cache-control"]
    assert plain.content == (ide.VENDOR / "graphiql-3.8.3/graphiql.min.js").read_bytes()
    packed = http.get(path, headers={"accept-encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 3
    assert packed.content == plain.content  # (httpx decodes it)
    start = http.get("/graphiql/start.js")
    assert start.status_code == 200 and start.headers["cache-control"] == "no-cache"
    for missing in (
        "/graphiql/vendor/MANIFEST.json",
        "/graphiql/vendor/graphiql-3.8.3/LICENSE",
        "/graphiql/index.html",
        "/graphiql/../ide.py",
        "/graphiql/vendor/graphiql-3.8.3/graphiql.min.js.map",
    ):
        assert http.get(missing).status_code == 404, missing


def test_production_serves_neither_the_page_nor_its_files(pool):
    env = _env_with(pool, mode="production")
    assert env.http.get("/graphql").status_code == 404
    assert env.http.get("/graphiql/start.js").status_code == 404
    assert env.http.get("/graphiql/vendor/react-18.2.0/react.production.min.js").status_code == 404
