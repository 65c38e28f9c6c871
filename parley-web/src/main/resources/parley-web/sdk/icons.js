// @ts-check
// Line icons drawn as SVG, shared by the widget and the agent console: a font without emoji still
// shows a paperclip, a face or a microphone. Each is a 24×24 drawing of paths stroked in the text's
// colour, hidden from screen readers (the button around it carries the name).

const NS = 'http://www.w3.org/2000/svg';

/**
 * An icon of `paths` (SVG path data, each stroked; `filled` fills them too).
 * @param {Document} doc @param {string[]} paths
 * @param {{size?: number, filled?: boolean}} [options] `size` in CSS pixels (20 unless given)
 * @returns {SVGSVGElement}
 */
export function lineIcon(doc, paths, { size = 20, filled = false } = {}) {
  const svg = /** @type {SVGSVGElement} */ (doc.createElementNS(NS, 'svg'));
  for (const [k, v] of Object.entries({
    'aria-hidden': 'true', width: String(size), height: String(size), viewBox: '0 0 24 24', fill: 'none',
    stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
  })) {
    svg.setAttribute(k, v);
  }
  for (const d of paths) {
    const path = doc.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    if (filled) {
      path.setAttribute('fill', 'currentColor');
    }
    svg.append(path);
  }
  return svg;
}
