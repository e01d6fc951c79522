// The reporter's first page. When the administrators have said who runs the instance and how
// else to reach them (instance settings, GET /v1/instance), it shows that, as plain text.
import { getInstance } from '../api/client'
import { element, markReady, startPage } from './page'

const t = await startPage()
try {
  const instance = await getInstance()
  const name = instance.organisation_name ?? ''
  const contact = instance.reporter_contact ?? ''
  if (name || contact) {
    // Text only (textContent), each in its own direction (dir=auto on the elements).
    element('organisation-name').textContent = name
    element('organisation-name').hidden = !name
    element('organisation-contact').textContent = contact
    element('organisation-contact').hidden = !contact
    element('organisation-contact-heading').hidden = !(name && contact)
    element('organisation-heading').textContent = t.t(name ? 'settings_landing_run_by' : 'settings_landing_contact')
    element('organisation').hidden = false
  }
} catch {
  // The page serves its purpose without it: the links to report and follow up work.
}
markReady()
