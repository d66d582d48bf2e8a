// GOV.UK Frontend's "supported" check, as an external file because our CSP allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
