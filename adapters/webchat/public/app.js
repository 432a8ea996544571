// The web chat page: sends what the person types, clicks and submits to /webchat/api/turn and shows the bot's
// messages (rendered to safe HTML by the server). Proactive messages arrive by polling the inbox.
(function () {
  'use strict';
  var transcript = document.getElementById('transcript');
  var status = document.getElementById('status');
  var nameInput = document.getElementById('name');
  var you = document.getElementById('you');
  var say = document.getElementById('say');
  var lastSeen = null;
  var polling = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + '-' + Math.random().toString(16).slice(2);
  }
  function timeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return undefined; }
  }
  // Each tab is one person (try the reporter in one tab and the resolver in another); a new tab starts as the
  // person last used.
  function currentName() { return (sessionStorage.getItem('itsm.name') || '').trim(); }
  function setStatus(text) { status.textContent = text || ''; }

  function track(message) {
    if (message.updatedAt && (!lastSeen || message.updatedAt > lastSeen)) lastSeen = message.updatedAt;
  }

  function showMine(text) {
    var item = document.createElement('li');
    item.className = 'mine';
    item.textContent = text;
    transcript.appendChild(item);
    item.scrollIntoView({ block: 'end' });
  }

  // Adds a bot message, or replaces it in place when it is already shown (a card updated after the fact).
  function showBot(message) {
    var existing = document.getElementById('m-' + message.id);
    if (existing) { existing.innerHTML = message.html; return existing; }
    var item = document.createElement('li');
    item.className = 'bot';
    item.id = 'm-' + message.id;
    item.dataset.message = message.id;
    item.innerHTML = message.html;
    transcript.appendChild(item);
    item.scrollIntoView({ block: 'end' });
    return item;
  }

  function post(event) {
    var name = currentName();
    if (!name) {
      setStatus('Tell me your name first (top of the page).');
      nameInput.focus();
      return Promise.reject(new Error('no name'));
    }
    setStatus('');
    return fetch('/webchat/api/turn', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ user: { name: name, timeZone: timeZone() }, requestId: uuid(), event: event }),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || 'The bot did not answer (' + response.status + ').');
        (body.messages || []).forEach(showBot);
        if (body.update) showBot(body.update);
        // A turn may also have changed cards shown elsewhere in the transcript (a team card taken): fetch them now.
        poll();
        return body;
      });
    }).catch(function (error) {
      if (error.message !== 'no name') setStatus(error.message || 'The bot could not be reached. Is it running?');
      throw error;
    });
  }

  function sourceOf(element) {
    var item = element.closest('[data-message]');
    return item ? item.dataset.message : undefined;
  }

  function valuesOf(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled) return;
      if (element.type === 'checkbox') {
        var group = form.querySelectorAll('input[type=checkbox][name="' + CSS.escape(element.name) + '"]');
        if (group.length > 1) {
          values[element.name] = values[element.name] || [];
          if (element.checked) values[element.name].push(element.value);
        } else {
          values[element.name] = element.checked;
        }
        return;
      }
      values[element.name] = element.value;
    });
    return values;
  }

  function showErrors(form, errors) {
    var first = null;
    form.querySelectorAll('[data-error-for]').forEach(function (slot) {
      var message = errors[slot.dataset.errorFor] || '';
      slot.textContent = message;
      slot.closest('.field').classList.toggle('has-error', Boolean(message));
      var control = form.querySelector('[name="' + CSS.escape(slot.dataset.errorFor) + '"]');
      if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
      if (message && !first) first = control;
    });
    var unplaced = Object.keys(errors).filter(function (name) { return !form.querySelector('[data-error-for="' + CSS.escape(name) + '"]'); });
    if (unplaced.length) setStatus(unplaced.map(function (name) { return errors[name]; }).join(' '));
    if (first) first.focus();
  }

  // Cancel closes a form without sending anything: like closing a Slack modal.
  transcript.addEventListener('click', function (event) {
    var cancel = event.target.closest('button[data-cancel]');
    if (!cancel) return;
    var form = cancel.closest('form.bot-form');
    form.classList.add('submitted');
    Array.prototype.forEach.call(form.elements, function (element) { element.disabled = true; });
    var note = document.createElement('p');
    note.className = 'context';
    note.textContent = 'Cancelled: nothing was sent.';
    form.appendChild(note);
  });

  transcript.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    post({ type: 'action', action: button.dataset.action, value: button.dataset.value, source: sourceOf(button) })
      .catch(function () { /* shown in the status line */ })
      .then(function () { button.disabled = false; });
  });

  transcript.addEventListener('submit', function (event) {
    var form = event.target.closest('form.bot-form');
    if (!form) return;
    event.preventDefault();
    var submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    var body = { type: 'submit', form: form.dataset.form, values: valuesOf(form), source: sourceOf(form) };
    if (form.dataset.state) body.state = form.dataset.state;
    post(body).then(function (reply) {
      if (reply.errors && Object.keys(reply.errors).length) {
        showErrors(form, reply.errors);
        submit.disabled = false;
        return;
      }
      if (!reply.update) {
        form.classList.add('submitted');
        Array.prototype.forEach.call(form.elements, function (element) { element.disabled = true; });
      }
    }).catch(function () { submit.disabled = false; });
  });

  document.getElementById('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = say.value.trim();
    if (!text) return;
    showMine(text);
    say.value = '';
    post({ type: 'message', text: text }).catch(function () { /* shown in the status line */ });
  });

  function poll() {
    var name = currentName();
    if (!name) return;
    var url = '/webchat/api/inbox?user=' + encodeURIComponent(name) + (lastSeen ? '&since=' + encodeURIComponent(lastSeen) : '');
    fetch(url, { credentials: 'same-origin' }).then(function (response) { return response.json(); }).then(function (body) {
      // Only the inbox moves the cursor: a reply shown at once may be newer than a card updated just before it.
      (body.messages || []).forEach(function (message) { track(message); showBot(message); });
      if (body.you) {
        you.textContent = body.you.listed
          ? 'Signed in as ' + body.you.name + (body.you.roles.length ? ' (' + body.you.roles.join(', ') + ')' : '')
          : 'Signed in as ' + body.you.name + ' (member of staff)';
      }
    }).catch(function () { /* the next poll tries again */ });
  }

  function startPolling() {
    if (polling) clearInterval(polling);
    poll();
    polling = setInterval(poll, 3000);
  }

  document.getElementById('who').addEventListener('submit', function (event) {
    event.preventDefault();
    var name = nameInput.value.trim();
    if (!name) return;
    if (name !== currentName()) { transcript.innerHTML = ''; lastSeen = null; }
    sessionStorage.setItem('itsm.name', name);
    localStorage.setItem('itsm.name', name);
    startPolling();
    say.focus();
  });

  fetch('/webchat/api/people', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (body) {
    var list = document.getElementById('people');
    (body.people || []).forEach(function (person) {
      var option = document.createElement('option');
      option.value = person.name;
      option.label = person.description;
      list.appendChild(option);
    });
  }).catch(function () { /* the list is a convenience */ });

  if (!currentName() && localStorage.getItem('itsm.name')) sessionStorage.setItem('itsm.name', localStorage.getItem('itsm.name'));
  nameInput.value = currentName();
  if (currentName()) startPolling(); else nameInput.focus();
})();
