/* global document, window, navigator, fetch, setTimeout, setInterval, clearInterval, Audio, SpeechSynthesisUtterance, MediaRecorder, Blob, DataTransfer, File, URL */
// Small progressive enhancement: the page works without it.
(function () {
  'use strict'
  var lang = document.body.getAttribute('data-lang') || 'es'
  var notRecorded = document.body.getAttribute('data-not-recorded') || ''

  // Speakers: a recorded one is a link to its clip (played here; without JS the browser opens it).
  // Where nothing is recorded, speech synthesis reads the text and we say, aloud and on screen, that
  // it is not recorded yet, with a link to record it or ask for it.
  var playing = null
  // Chromium lists its voices only after a first call; ask early so a press knows whether it can speak.
  if ('speechSynthesis' in window) window.speechSynthesis.getVoices()
  document.addEventListener('click', function (e) {
    var btn = e.target.closest && e.target.closest('.speak[data-speak]')
    if (!btn) return
    var slug = btn.getAttribute('data-speak')
    var src = btn.getAttribute('data-audio-src')
    if (src) {
      e.preventDefault()
      if (playing) playing.pause()
      playing = new Audio(src)
      playing.play()
      return
    }
    // The words only (views/speak.tsx speechText): never the emoji, badges or counts around them.
    var text = btn.getAttribute('data-speak-text') || ''
    if (!text) {
      var el = document.querySelector('[data-audio-slug="' + slug + '"]')
      text = el ? el.textContent.trim() : ''
    }
    // One note for the whole page, fixed at the bottom of the screen: showing it never moves the layout.
    var note = document.getElementById('speak-note')
    if (!note) {
      note = document.createElement('div')
      note.id = 'speak-note'
      note.className = 'speak-note'
      note.setAttribute('role', 'status')
      note.appendChild(document.createElement('span'))
      var link = document.createElement('a')
      link.setAttribute('data-audio-slug', 'audio.record_or_ask')
      link.textContent = document.body.getAttribute('data-record-or-ask') || ''
      note.appendChild(link)
      document.body.appendChild(note)
    }
    note.firstChild.textContent = notRecorded + '. '
    note.lastChild.href = '/audio/contribute?target=' + encodeURIComponent(slug) + '&next=' + encodeURIComponent(window.location.pathname + window.location.search)
    // A phone without a voice for speech synthesis still answers: the community's "not recorded yet" or a sound.
    if (!('speechSynthesis' in window) || !text || window.speechSynthesis.getVoices().length === 0) {
      if (playing) playing.pause()
      playing = new Audio('/audio/fallback')
      playing.play()
      if (!('speechSynthesis' in window) || !text) return
    }
    window.speechSynthesis.cancel()
    var u = new SpeechSynthesisUtterance(text.replace(/[.!?]+$/, '') + '. ' + notRecorded)
    u.lang = lang === 'en' ? 'en-US' : 'es-MX'
    window.speechSynthesis.speak(u)
  })

  // The service worker keeps the person's own pages readable offline (public/sw.js); registered once the
  // page has loaded, so it never competes with the first load.
  if ('serviceWorker' in navigator) {
    window.addEventListener('load', function () { navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {}) })
  }

  // Copy buttons: <button data-copy="#id">.
  document.querySelectorAll('[data-copy]').forEach(function (btn) {
    btn.hidden = false
    btn.addEventListener('click', function () {
      var target = document.querySelector(btn.getAttribute('data-copy'))
      if (!target || !navigator.clipboard) return
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        btn.textContent = btn.getAttribute('data-copied') || 'OK'
      })
    })
  })

  // Live payment status: poll a small JSON endpoint and update the status region in place.
  var live = document.querySelector('[data-payment-status-url]')
  if (live) {
    var url = live.getAttribute('data-payment-status-url')
    var tries = 0
    var poll = function () {
      fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null })
        .then(function (s) {
          if (!s) return
          var label = live.querySelector('[data-status-label]')
          if (label) label.textContent = s.label
          live.setAttribute('data-state', s.state)
          if (s.walletResult && !live.getAttribute('data-wallet-result')) { window.location.reload(); return }
          if (s.final) { if (s.state === 'completed') window.location.reload(); return }
          if (++tries < 120) setTimeout(poll, tries < 10 ? 2000 : 5000)
        })
        .catch(function () { if (++tries < 120) setTimeout(poll, 5000) })
    }
    setTimeout(poll, 1500)
  }

  // In-browser audio recording for file inputs marked data-record (MediaRecorder, Opus/WebM, 30 s).
  document.querySelectorAll('[data-recorder] input[type=file]').forEach(function (input) {
    if (!window.MediaRecorder || !navigator.mediaDevices || typeof DataTransfer === 'undefined') return
    var box = document.createElement('div')
    box.className = 'row'
    var rec = document.createElement('button')
    rec.type = 'button'
    rec.className = 'btn secondary'
    rec.textContent = document.body.getAttribute('data-record-label') || 'Record'
    var audio = document.createElement('audio')
    audio.controls = true
    audio.hidden = true
    // How much of the 30 s is used, visible while recording.
    var bar = document.createElement('progress')
    bar.max = 30
    bar.value = 0
    bar.hidden = true
    bar.setAttribute('aria-label', document.body.getAttribute('data-stop-label') || 'Stop')
    box.appendChild(rec)
    box.appendChild(bar)
    box.appendChild(audio)
    input.parentNode.appendChild(box)
    var recorder = null
    var ticker = null
    rec.addEventListener('click', function () {
      if (recorder && recorder.state === 'recording') { recorder.stop(); return }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = []
        var r = recorder = new MediaRecorder(stream, MediaRecorder.isTypeSupported('audio/webm;codecs=opus') ? { mimeType: 'audio/webm;codecs=opus' } : undefined)
        recorder.ondataavailable = function (ev) { chunks.push(ev.data) }
        recorder.onstop = function () {
          clearInterval(ticker)
          bar.hidden = true
          stream.getTracks().forEach(function (tr) { tr.stop() })
          var blob = new Blob(chunks, { type: 'audio/webm' })
          var dt = new DataTransfer()
          dt.items.add(new File([blob], 'recording.webm', { type: 'audio/webm' }))
          input.files = dt.files
          audio.src = URL.createObjectURL(blob)
          audio.hidden = false
          rec.textContent = document.body.getAttribute('data-record-label') || 'Record'
        }
        recorder.start()
        rec.textContent = document.body.getAttribute('data-stop-label') || 'Stop'
        var started = Date.now()
        bar.value = 0
        bar.hidden = false
        ticker = setInterval(function () { bar.value = Math.min(30, (Date.now() - started) / 1000) }, 250)
        // This take only: a retry started before 30 s have passed gets its own limit.
        setTimeout(function () { if (r.state === 'recording') r.stop() }, 30000)
      })
    })
  })
})()
