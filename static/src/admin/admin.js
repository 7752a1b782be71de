// Repairs to the Django admin so that it meets WCAG 2.2 AA (checked with axe-core). Loaded by
// templates/admin/base_site.html.
//
// The admin's autocomplete fields use Select2, which leaves its combobox, its search box and its
// text box without an accessible name, and puts a mouse-only "clear" span inside a <ul>. Select2
// builds and rebuilds this markup after the page has loaded, so a MutationObserver repairs it
// whenever it appears.

(function () {
  'use strict'

  function setAttribute (element, name, value) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value)
    }
  }

  // The id of the <label> for the form field with this id, giving the label an id if it has none.
  function labelIdFor (fieldId) {
    if (!fieldId) {
      return null
    }
    var label = document.querySelector('label[for="' + CSS.escape(fieldId) + '"]')
    if (!label) {
      return null
    }
    if (!label.id) {
      label.id = fieldId + '-label'
    }
    return label.id
  }

  function repairSelect2 (select) {
    var container = select.nextElementSibling
    var labelId = labelIdFor(select.id)
    if (!container || !container.classList.contains('select2') || !labelId) {
      return
    }
    var rendered = container.querySelector('.select2-selection__rendered')
    container.querySelectorAll('.select2-selection[role="combobox"]').forEach(function (combobox) {
      // The label, then the chosen value (the text box's content).
      var ids = rendered && rendered.id ? labelId + ' ' + rendered.id : labelId
      setAttribute(combobox, 'aria-labelledby', ids)
    })
    if (rendered && rendered.getAttribute('role') === 'textbox') {
      setAttribute(rendered, 'aria-labelledby', labelId)
    }
    container.querySelectorAll('.select2-search__field').forEach(function (field) {
      setAttribute(field, 'aria-labelledby', labelId)
    })
    container.querySelectorAll('.select2-selection__clear').forEach(function (clear) {
      // Mouse only; keyboard users clear the field with Backspace or Delete.
      setAttribute(clear, 'aria-hidden', 'true')
    })
  }

  // The search box of an open drop-down lives at the end of <body>; it names its results list,
  // "select2-<field id>-results".
  function repairDropdownSearch (field) {
    var match = /^select2-(.+)-results$/.exec(field.getAttribute('aria-controls') || '')
    var labelId = match && labelIdFor(match[1])
    if (labelId) {
      setAttribute(field, 'aria-labelledby', labelId)
    }
  }

  function repair () {
    document.querySelectorAll('select.select2-hidden-accessible').forEach(repairSelect2)
    document.querySelectorAll('.select2-dropdown .select2-search__field').forEach(repairDropdownSearch)
  }

  var scheduled = false
  function schedule () {
    if (!scheduled) {
      scheduled = true
      window.requestAnimationFrame(function () {
        scheduled = false
        repair()
      })
    }
  }

  function start () {
    repair()
    new MutationObserver(schedule).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['aria-controls']
    })
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start)
  } else {
    start()
  }
})()
