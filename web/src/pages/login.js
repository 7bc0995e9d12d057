// Sign-in page: POST /api/v1/auth/login; a refused login shows the server's message.
import { login } from '../api.js';
import { h, replace } from '../dom.js';
import { reconnect } from '../live.js';

export function render(view) {
  const message = h('p', { class: 'error', role: 'alert', id: 'login-error', hidden: true });
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card login', onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.hidden = true;
    try {
      await login(user.value, password.value);
      reconnect();
      const next = sessionStorage.getItem('mystocks.after-login');
      sessionStorage.removeItem('mystocks.after-login');
      const target = next && !next.startsWith('#/login') ? next : '#/overview';
      if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = target;
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
    } finally {
      submit.disabled = false;
    }
  } },
  h('h1', {}, 'Sign in'),
  h('label', {}, 'User', user),
  h('label', {}, 'Password', password),
  submit, message);
  replace(view, form);
  user.focus();
}
