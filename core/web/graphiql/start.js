// GraphiQL for the development server: everything it loads comes from this application
// (core/web/graphiql/vendor, pinned npm builds), so it works on a machine with no internet access.
"use strict";
(function () {
  const WELCOME = `# GraphiQL, development mode (APP_MODE=production switches it off).
#
# 1. Sign in (every demo account's password is demo-pass-1, partners' partner-secret-1;
#    docs/demo-accounts.md lists the accounts by role and city):
#
#    mutation { signIn(login: "13900000001", password: "demo-pass-1") { token errors { code message } } }
#
# 2. Put the token in the Headers tab below:  {"Authorization": "Bearer <token>"}
# 3. Ask, e.g.:  { me { kind person { name } } }
#
# Ctrl-Enter runs the query; the book icon (top left) opens the schema docs.
`;
  const url = window.location.href.split("?")[0].split("#")[0];
  const fetcher = GraphiQL.createFetcher({ url: url });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: WELCOME,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    }),
  );
})();
