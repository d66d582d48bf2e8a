from whitenoise.storage import CompressedManifestStaticFilesStorage


class ModuleAwareManifestStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage, also rewriting ES module `import … from "…"` paths.

    Our app.mjs imports GOV.UK and MOJ Frontend by relative path; without this the hashed file
    would import the unhashed name, which is not served with far-future caching.
    """

    support_js_module_import_aggregation = True
