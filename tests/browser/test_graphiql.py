"""GraphiQL (development mode) in headless Chromium with every non-local request blocked: the
IDE loads from the application itself, runs a query with a bearer token and shows the schema docs
(issue 17 item 1)."""

from urllib.parse import urlparse

from tests.browser.conftest import shot


def _offline_page(browser, base):
    """A page whose requests to anything but the test server are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    local = urlparse(base).netloc
    blocked: list[str] = []

    def route(r):
        url = urlparse(r.request.url)
        if url.scheme in ("data", "blob") or url.netloc == local:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    return page, blocked, problems


def _type_into(page, editor_selector, text):
    page.click(f"{editor_selector} .CodeMirror >> visible=true")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def test_graphiql_works_offline_with_a_bearer_token_and_shows_the_docs(make_env, serve, browser):
    env = make_env(["e_driving_licence"], now="2024-09-02")
    token = env.token("zhang_account")
    base = serve(env)
    page, blocked, problems = _offline_page(browser, base)
    page.goto(base + "/graphql")
    page.wait_for_selector(".graphiql-container .graphiql-editors", timeout=20000)

    # the query with the bearer token, typed as a developer would
    page.click("button:has-text('Headers')")
    _type_into(page, ".graphiql-editor-tool", f'{{"Authorization": "Bearer {token}"}}')
    _type_into(page, ".graphiql-query-editor", "{ me { kind person { name } } }")
    page.click(".graphiql-execute-button")
    page.wait_for_selector(".result-window >> text=CITIZEN", timeout=20000)  # (CSP: no eval)
    result = page.inner_text(".result-window")
    assert env.refs["zhang"].name in result and "errors" not in result
    shot(page, "graphiql-query")

    # the schema docs, from introspection over the same local endpoint
    page.click("[aria-label='Show Documentation Explorer']")
    page.wait_for_selector(".graphiql-doc-explorer >> text=Query", timeout=20000)
    page.click(".graphiql-doc-explorer a:has-text('Query')")
    page.wait_for_selector(".graphiql-doc-explorer >> text=measuresInForce", timeout=20000)
    shot(page, "graphiql-docs")

    assert blocked == []  # nothing was even attempted beyond the app itself
    assert problems == []  # no script error, no refused resource (CSP or integrity)
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "default-src 'self'" in csp and "unsafe-eval" not in csp
    # and in force: an inline script added to the page does not run
    ran = page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.head.appendChild(s); return typeof window.__ran; }"
    )
    assert ran == "undefined"
