from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ModuleAwareManifestStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage, also rewriting ES module `import … from "…"` paths.

    Our static/js/app.mjs imports GOV.UK and MOJ Frontend by relative path; without the rewrite the
    hashed module would import unhashed names. Django applies the rewrite to every *.js file, and
    some packages' scripts (django-htmx's extensions) import files that are not shipped, which
    fails collectstatic; so it is applied to ES modules named *.mjs only.
    """

    support_js_module_import_aggregation = True
    _js_module_import_aggregation_patterns = ("*.mjs", HashedFilesMixin._js_module_import_aggregation_patterns[1])
