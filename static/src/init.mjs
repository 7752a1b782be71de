import { initAll } from './govuk-frontend.min.js'
initAll()

// On a narrow screen a table's rows stack (see _tables.scss): each cell is then introduced by its
// column's heading, copied here into data-label. Tables that scroll in a region of their own keep
// their columns.
// A heading only screen readers hear (e.g. the column of Change links) labels nothing on screen.
function visibleText (element) {
  const copy = element.cloneNode(true)
  for (const hidden of copy.querySelectorAll('.govuk-visually-hidden')) hidden.remove()
  return element.classList.contains('govuk-visually-hidden') ? '' : copy.textContent.trim().replace(/\s+/g, ' ')
}

function labelTableCells (root) {
  for (const table of root.querySelectorAll('table.govuk-table')) {
    if (table.closest('.app-table-scroll')) continue
    const headings = [...table.querySelectorAll('thead tr:last-child th')].flatMap(
      (th) => Array(th.colSpan || 1).fill(visibleText(th))
    )
    if (headings.length === 0) continue
    table.classList.add('app-table-stacked')
    for (const row of table.querySelectorAll('tbody tr')) {
      let column = 0
      for (const cell of row.children) {
        const heading = headings[column]
        if (heading && cell.tagName === 'TD') cell.dataset.label = heading
        column += cell.colSpan || 1
      }
    }
  }
}

labelTableCells(document)
document.body.addEventListener('htmx:afterSettle', (event) => labelTableCells(event.target))
