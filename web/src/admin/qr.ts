// A QR code of a text, as an inline SVG drawn with DOM calls (no data: URI, no style attribute:
// the pages' Content-Security-Policy allows neither). Encoding by @paulmillr/qr, offline.
import { encodeQR } from '@paulmillr/qr'

const SVG = 'http://www.w3.org/2000/svg'

export function qrSvg(text: string, label: string): SVGSVGElement {
  const cells = encodeQR(text, 'raw', { ecc: 'medium', border: 4 })
  const size = cells.length
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('shape-rendering', 'crispEdges')
  const background = document.createElementNS(SVG, 'rect')
  background.setAttribute('width', String(size))
  background.setAttribute('height', String(size))
  background.setAttribute('fill', '#ffffff')
  const path = document.createElementNS(SVG, 'path')
  let d = ''
  cells.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`
    }),
  )
  path.setAttribute('d', d)
  path.setAttribute('fill', '#000000')
  svg.append(background, path)
  return svg
}
