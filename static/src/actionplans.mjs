// The action plan's in-place editing (htmx): after a swap, move keyboard focus to where the work
// goes on, which the server marks with data-app-focus (the first field of a form that opened, the
// Edit button of a row that was saved, the error summary of a form with problems).

document.body.addEventListener('htmx:afterSettle', () => {
  const target = document.querySelector('[data-app-focus]')
  if (!target) return
  target.removeAttribute('data-app-focus')
  if (!target.matches('a[href], button, input, select, textarea, [tabindex]')) {
    target.setAttribute('tabindex', '-1')
  }
  target.focus()
})

// While a request is under way, its form's buttons say so and do not send it twice.
document.body.addEventListener('htmx:beforeRequest', (event) => {
  event.detail.elt.setAttribute('aria-busy', 'true')
})
document.body.addEventListener('htmx:afterRequest', (event) => {
  event.detail.elt.removeAttribute('aria-busy')
})
