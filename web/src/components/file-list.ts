// The chosen evidence files, each with a progress bar while it is encrypted and uploaded.
import type { Translator } from '../i18n/i18n'

export class FileList {
  private bars: HTMLProgressElement[] = []
  private states: HTMLSpanElement[] = []

  constructor(
    private readonly list: HTMLElement,
    private readonly t: Translator,
  ) {}

  show(files: readonly File[]): void {
    this.bars = []
    this.states = []
    const items = files.map((file, i) => {
      const item = document.createElement('li')
      const name = document.createElement('span')
      name.className = 'file-name'
      name.id = `file-${i}`
      name.textContent = `${file.name} (${formatSize(file.size, this.t.lang)})`
      const bar = document.createElement('progress')
      bar.max = 1
      bar.value = 0
      bar.setAttribute('aria-labelledby', name.id)
      const state = document.createElement('span')
      state.className = 'file-state'
      state.textContent = this.t.t('upload_waiting')
      item.append(name, bar, state)
      this.bars.push(bar)
      this.states.push(state)
      return item
    })
    this.list.replaceChildren(...items)
  }

  progress(index: number, sent: number, total: number): void {
    const bar = this.bars[index]
    if (!bar) return
    bar.max = total
    bar.value = sent
    this.states[index].textContent = this.t.t('upload_percent', { percent: Math.floor((100 * sent) / Math.max(total, 1)) })
  }

  done(index: number): void {
    if (!this.bars[index]) return
    this.bars[index].value = this.bars[index].max
    this.states[index].textContent = this.t.t('upload_done')
  }
}

export function formatSize(bytes: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`
}
