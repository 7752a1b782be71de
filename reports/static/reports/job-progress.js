// Follows a report job: asks the server for its state every second or two and shows the stage,
// then the link to the PDF or the reason it failed, without reloading the page. The live region
// announces the changes. Without JavaScript the page offers a link to refresh it.
(function () {
  'use strict'
  var root = document.getElementById('report-job')
  if (!root || root.dataset.finished === 'true') return
  var url = root.dataset.statusUrl
  var tag = root.querySelector('[data-job-status]')
  var stage = root.querySelector('[data-job-stage]')
  var result = root.querySelector('[data-job-result]')
  var refresh = root.querySelector('[data-job-refresh]')
  var failures = 0

  function paragraph (text) {
    var p = document.createElement('p')
    p.className = 'govuk-body'
    p.textContent = text
    return p
  }

  function show (state) {
    tag.textContent = state.status_label
    tag.className = 'govuk-tag' + (state.status === 'failed' ? ' govuk-tag--red' : state.status === 'ready' ? ' govuk-tag--green' : '')
    stage.textContent = state.stage
    result.textContent = ''
    if (!state.finished) {
      if (state.error) result.appendChild(paragraph(state.error))
      return false
    }
    if (refresh) refresh.remove()
    if (state.status === 'ready') {
      var p = paragraph('')
      var link = document.createElement('a')
      link.className = 'govuk-link govuk-!-font-weight-bold'
      link.href = state.download_url
      link.setAttribute('download', '')
      var what = state.what || (state.version ? 'issued report, version ' + state.version : 'draft report')
      link.textContent = 'Download the ' + what + ' (PDF, ' + state.pages + (state.pages === 1 ? ' page)' : ' pages)')
      p.appendChild(link)
      result.appendChild(p)
    } else {
      var heading = document.createElement('h2')
      heading.className = 'govuk-heading-m'
      heading.textContent = 'The report could not be rendered'
      result.appendChild(heading)
      result.appendChild(paragraph(state.error))
    }
    return true
  }

  function poll () {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status)
        return response.json()
      })
      .then(function (state) {
        failures = 0
        if (!show(state)) window.setTimeout(poll, 1500)
      })
      .catch(function () {
        failures += 1
        if (failures < 5) {
          window.setTimeout(poll, 3000)
        } else {
          stage.textContent = 'Could not check the progress: refresh the page to try again.'
        }
      })
  }
  window.setTimeout(poll, 1000)
})()
