/* global document, window */
// Resumable uploads for forms marked data-resumable (loaded only on those pages, with tus-js-client).
// On submit, each chosen file goes first to /uploads with the tus protocol: a dropped connection
// resumes where it stopped (also after a reload: tus remembers the upload). The form is then sent
// with the upload ids instead of the bytes. If tus fails, the next press sends the plain form.
;(function () {
  if (!window.tus || !window.tus.isSupported) return
  document.querySelectorAll('form[data-resumable]').forEach(function (form) {
    var status = form.querySelector('[data-upload-status]')
    var bar = status && status.querySelector('progress')
    var failed = form.querySelector('[data-upload-failed]')
    var token = (form.querySelector('input[name=_csrf]') || {}).value || ''
    var ready = false
    form.addEventListener('submit', function (e) {
      if (ready || form.getAttribute('data-plain') === '1') return
      var inputs = Array.prototype.filter.call(form.querySelectorAll('input[type=file]'), function (i) {
        return /^(audio|video|image)$/.test(i.name) && i.files && i.files.length > 0
      })
      if (inputs.length === 0) return
      e.preventDefault()
      var submitter = e.submitter
      var total = inputs.reduce(function (n, i) { return n + i.files[0].size }, 0)
      var before = 0
      if (failed) failed.hidden = true
      if (status) status.hidden = false
      var next = function (k) {
        if (k === inputs.length) {
          inputs.forEach(function (i) { i.disabled = true })
          ready = true
          if (status) status.hidden = true
          if (form.requestSubmit) form.requestSubmit(submitter || undefined)
          else form.submit()
          return
        }
        var input = inputs[k]
        var file = input.files[0]
        var upload = new window.tus.Upload(file, {
          endpoint: '/uploads',
          headers: { 'csrf-token': token },
          metadata: { kind: input.name, filename: file.name || input.name },
          // Keeps trying through a village network's drops, resuming each time.
          retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
          chunkSize: 256 * 1024,
          removeFingerprintOnSuccess: true,
          onProgress: function (sent) { if (bar) bar.value = Math.round(((before + sent) / total) * 100) },
          onSuccess: function () {
            var hidden = form.querySelector('input[name=' + input.name + 'Upload]')
            if (!hidden) {
              hidden = document.createElement('input')
              hidden.type = 'hidden'
              hidden.name = input.name + 'Upload'
              form.appendChild(hidden)
            }
            hidden.value = upload.url.split('/').pop()
            before += file.size
            next(k + 1)
          },
          onError: function () {
            if (status) status.hidden = true
            if (failed) failed.hidden = false
            form.setAttribute('data-plain', '1')
          }
        })
        upload.findPreviousUploads().then(function (previous) {
          if (previous.length) upload.resumeFromPreviousUpload(previous[0])
          upload.start()
        })
      }
      next(0)
    })
  })
})()
