// Follows a police.uk import job: asks the server for its state every second and shows the
// progress, then the result, without reloading the page. Without JavaScript the page says to reload.
(function () {
  'use strict'
  var root = document.getElementById('import-job')
  if (!root || root.dataset.finished === 'true') return
  var url = root.dataset.statusUrl
  var status = root.querySelector('[data-import-status]')
  var stage = root.querySelector('[data-import-stage]')
  var bar = root.querySelector('[data-import-progress]')
  var result = root.querySelector('[data-import-result]')

  function list (lines) {
    var ul = document.createElement('ul')
    ul.className = 'govuk-list govuk-list--bullet'
    lines.forEach(function (line) {
      var li = document.createElement('li')
      li.textContent = line
      ul.appendChild(li)
    })
    return ul
  }

  function show (state) {
    status.textContent = state.status_label
    status.className = 'govuk-tag' + (state.status === 'failed' ? ' govuk-tag--red' : state.status === 'ready' ? ' govuk-tag--green' : '')
    stage.textContent = state.stage
    bar.value = state.progress
    bar.textContent = state.progress + '%'
    if (!state.finished) return false
    result.textContent = ''
    var heading = document.createElement('h2')
    heading.className = 'govuk-heading-m'
    heading.tabIndex = -1
    if (state.status === 'ready') {
      heading.textContent = 'Imported'
      result.appendChild(heading)
      result.appendChild(list(state.summary))
    } else {
      heading.textContent = 'The file was refused; nothing was imported'
      result.appendChild(heading)
      result.appendChild(list(state.error.split('\n')))
    }
    heading.focus()
    return true
  }

  function poll () {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status)
        return response.json()
      })
      .then(function (state) {
        if (!show(state)) window.setTimeout(poll, 1000)
      })
      .catch(function () {
        stage.textContent = 'Could not check the progress; reload the page to try again.'
      })
  }
  window.setTimeout(poll, 500)
})()
