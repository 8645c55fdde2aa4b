from tests.e2e.test_api_docs import test_swagger_docs_render_from_local_files_under_the_csp as t

def test_neg(new_page, live_server, db, settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "ninja"]
    t(new_page, live_server, db)
