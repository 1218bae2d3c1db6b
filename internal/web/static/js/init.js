// Vigil: start GOV.UK Frontend's JavaScript components.
//
// Loaded as <script type="module" src="/static/<hash>/js/init.js"></script> so
// that it runs under a Content-Security-Policy of script-src 'self' with no
// inline script. It replaces the inline snippet of GOV.UK Frontend's page
// template:
//
//   document.body.className += ' js-enabled' +
//     ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
//
// Browsers run type="module" scripts only if they support ES modules, which
// is the same test as the 'noModule' check, so both classes are added here
// unconditionally. Module scripts are deferred, so document.body exists.
//
// The import path is relative, so it resolves under the same content-hashed
// /static/<hash>/ prefix as this file.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
