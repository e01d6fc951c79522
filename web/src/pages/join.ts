// First run from a one-time link (/join#<token>): the invitee chooses a login name, is shown a
// generated passphrase once, adds the TOTP secret to an authenticator, and this page makes and
// encrypts their keys (src/admin/enrolment.ts). The same page serves the first administrator
// (who also makes the organisation key) and every later invitee.
import { describeError } from '../components/errors'
import { ApiError } from '../api/client'
import type { Enrolment } from '../admin/api'
import { element, markReady, requireWebAssembly, startPage } from './page'

const t = await startPage()
const modules = Promise.all([
  import('../admin/enrolment'),
  import('../crypto/passphrase'),
  import('../crypto/argon2-client'),
  import('../admin/qr'),
])
modules.catch(() => {})

const status = element<HTMLParagraphElement>('status')
const errorBox = element<HTMLParagraphElement>('error')
const startButton = element<HTMLButtonElement>('start')
const form = element<HTMLFormElement>('account-form')

// The token lives in the fragment, which no request carries; it leaves the address bar too.
const token = /^#[0-9a-fA-F]{64}$/.test(location.hash) ? location.hash.slice(1).toLowerCase() : null
if (token) history.replaceState(null, '', location.pathname + location.search)
let enrolment: Enrolment | null = null
let passphrase = ''

function problem(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'not_found') return t.t('admin_join_invalid_link')
    if (error.code === 'invalid_totp_code') return t.t('admin_join_wrong_code')
    if (error.code === 'login_name_taken') return t.t('admin_join_name_taken')
    if (error.code === 'enrolment_expired') return t.t('admin_join_expired')
  }
  return describeError(t, error)
}

if (!token) {
  element('no-token').hidden = false
  element('start-section').hidden = true
}

startButton.addEventListener('click', async () => {
  if (!token) return
  errorBox.textContent = ''
  status.textContent = t.t('admin_working')
  startButton.disabled = true
  try {
    const [enrol, words, , qr] = await modules
    enrolment = await enrol.postEnrolment(token)
    passphrase = enrol.newStaffPassphrase(await words.loadWordList())
    element('join-role').textContent = t.t('admin_join_role', { role: t.t(`admin_role_${enrolment.role}`) })
    element('passphrase').textContent = passphrase
    element('totp-secret').textContent = enrol.groupSecret(enrolment.totp_secret)
    element('totp-uri').textContent = enrolment.otpauth_uri
    element('qr').replaceChildren(qr.qrSvg(enrolment.otpauth_uri, t.t('admin_join_qr_label')))
    element('org-key-note').hidden = !enrolment.creates_organisation_key
    element('start-section').hidden = true
    form.hidden = false
    status.textContent = ''
    element('account-heading').focus()
  } catch (error) {
    status.textContent = ''
    startButton.disabled = false
    errorBox.textContent = problem(error)
  }
})

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  if (!token || !enrolment) return
  errorBox.textContent = ''
  const [enrol, , argon2] = await modules
  const nameInput = element<HTMLInputElement>('login-name')
  const codeInput = element<HTMLInputElement>('totp-code')
  const written = element<HTMLInputElement>('written')
  const loginName = nameInput.value.trim()
  const code = codeInput.value.replace(/[\s-]/g, '')
  if (!enrol.isValidLoginName(loginName)) {
    errorBox.textContent = t.t('admin_join_bad_name')
    nameInput.focus()
    return
  }
  if (!written.checked) {
    errorBox.textContent = t.t('admin_join_confirm_written')
    written.focus()
    return
  }
  if (!/^[0-9]{6}$/.test(code)) {
    errorBox.textContent = t.t('admin_bad_code')
    codeInput.focus()
    return
  }
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!
  button.disabled = true
  status.textContent = t.t('admin_join_creating')
  try {
    const prepared = await enrol.prepareAccount({
      token,
      enrolment,
      loginName,
      passphrase,
      totpCode: code,
      argon2: argon2.argon2InWorker,
    })
    await enrol.createAccount(prepared)
    // The secrets leave the page: the passphrase is on paper now, the keys on the server,
    // encrypted.
    passphrase = ''
    form.hidden = true
    form.reset()
    element('passphrase').textContent = ''
    status.textContent = ''
    const isAdmin = enrolment.role === 'admin'
    element('done-text').textContent = t.t(isAdmin ? 'admin_join_done_admin' : 'admin_join_done_member')
    element('admin-link').hidden = !isAdmin
    element('staff-link').hidden = isAdmin || enrolment.role !== 'coordinator'
    element('done-section').hidden = false
    element('done-heading').focus()
  } catch (error) {
    status.textContent = ''
    errorBox.textContent = problem(error)
  } finally {
    button.disabled = false
  }
})

requireWebAssembly([startButton])
markReady()
