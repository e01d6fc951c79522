// Recovery from a kit: k shares typed or pasted back rebuild the organisation identity here, in
// the browser; it is checked against the recipient the kits name, then shown for the
// administrator to use (for instance with the age tool) and to wrap again. No request is made.
import { element, markReady, startPage } from './page'

const t = await startPage()
const sharesModule = import('../admin/shares')
sharesModule.catch(() => {})
const status = element<HTMLParagraphElement>('status')
const errorBox = element<HTMLParagraphElement>('error')

element<HTMLFormElement>('recover-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  element('result').hidden = true
  const input = element<HTMLTextAreaElement>('shares')
  try {
    const shares = await sharesModule
    status.textContent = t.t('admin_working')
    const { identity, share } = await shares.combineShares(shares.splitKits(input.value))
    input.value = ''
    status.textContent = ''
    element('result-text').textContent = t.t('admin_recover_result', { generation: share.generation, recipient: share.recipient })
    element('identity').textContent = identity
    element('result').hidden = false
    element('result-heading').focus()
  } catch (error) {
    status.textContent = ''
    const problem = (error as { problem?: string }).problem
    errorBox.textContent = problem ? t.t(`admin_share_${problem}`) : t.t('error_generic', { code: 'internal' })
  }
})

markReady()
