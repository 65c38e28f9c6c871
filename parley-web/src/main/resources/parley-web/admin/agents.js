// @ts-check
// The admin page's agents: the list, and an editor for one — name, role, sites, capacity, disabled,
// and a new password (which ends every earlier token of the agent). Saving goes over the version
// read (If-Match): a 412 says someone else changed it. The API's field errors show beside their
// fields.
import { ApiError } from './api.js';
import { h, field, value, clearErrors, showError } from './form.js';

/** @typedef {import('./api.js').AdminApi} AdminApi */

/**
 * @param {AdminApi} api @param {(text: string) => void} status
 */
export function agentsPane(api, status) {
  const list = /** @type {HTMLElement} */ (document.getElementById('agent-list'));
  const editor = /** @type {HTMLElement} */ (document.getElementById('agent-editor'));
  const loading = /** @type {HTMLElement} */ (document.getElementById('agents-loading'));
  /** @type {string[]} the sites' ids, for the checkboxes */
  let siteIds = [];

  async function load() {
    loading.hidden = false;
    loading.textContent = 'Loading…';
    try {
      const [{ body: agents }, { body: sites }] = await Promise.all([api.get('/api/admin/agents'), api.get('/api/admin/sites')]);
      siteIds = /** @type {any[]} */ (sites).map((s) => s.id);
      list.replaceChildren(.../** @type {any[]} */ (agents).map((a) => {
        const b = h('button', { type: 'button', class: 'item' }, a.name || a.user);
        b.append(h('span', { class: 'meta' }, ` ${a.user} · ${a.role ?? 'agent'}${a.disabled ? ' · disabled' : ''}`));
        b.addEventListener('click', () => edit(a.user));
        return h('li', {}, b);
      }));
      loading.hidden = agents.length > 0;
      loading.textContent = 'No agents yet: add the first with "New agent".';
    } catch (e) {
      loading.textContent = `The agents could not be read: ${e instanceof Error ? e.message : e}`;
    }
  }

  /** @param {string} user */
  async function edit(user) {
    try {
      const { body, version } = await api.get(`/api/admin/agents/${encodeURIComponent(user)}`);
      open(body, version);
    } catch (e) {
      status(`Agent ${user} could not be read: ${e instanceof Error ? e.message : e}`);
    }
  }

  /** @param {any} agent (null: a new one) @param {number|null} version */
  function open(agent, version) {
    const isNew = agent == null;
    const a = agent ?? { sites: [], role: 'agent' };
    const title = h('h3', { id: 'agent-form-title', tabindex: '-1' }, isNew ? 'New agent' : `Agent ${a.user}`);
    const form = /** @type {HTMLFormElement} */ (h('form', { class: 'agent-form', 'aria-labelledby': title.id, novalidate: '' }));
    const summary = h('p', { class: 'form-error', role: 'alert' });
    const boxes = siteIds.map((id, i) => {
      const f = field(id, i === 0 ? 'sites' : `sites.${id}`, { type: 'checkbox', value: (a.sites ?? []).includes(id) });
      f.querySelector('input')?.setAttribute('value', id);
      return f;
    });
    form.append(summary,
      isNew ? field('User', 'user', { attrs: { required: '', autocomplete: 'off' }, hint: 'The login name' }) : '',
      field('Name', 'name', { value: a.name }),
      field('Role', 'role', { value: a.role ?? 'agent', options: [['agent', 'Agent'], ['admin', 'Admin']] }),
      h('div', { class: 'days', role: 'group', 'aria-label': 'Sites' }, ...(boxes.length ? boxes : [h('p', { class: 'hint' }, 'No sites yet.')])),
      field('Capacity', 'capacity', { type: 'number', value: a.capacity, attrs: { min: '0' }, hint: 'Conversations at once (0: only those they accept)' }),
      field('Disabled', 'disabled', { type: 'checkbox', value: a.disabled }),
      field(isNew ? 'Password' : 'New password', 'password', {
        type: 'password', attrs: { autocomplete: 'new-password' },
        hint: isNew ? '12 to 200 characters' : 'Leave empty to keep it; a new one ends every earlier login of the agent.',
      }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit' }, isNew ? 'Create agent' : 'Save'),
        h('button', { type: 'button', class: 'secondary close' }, 'Close')));
    form.querySelector('.close')?.addEventListener('click', () => { editor.hidden = true; });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const user = isNew ? String(value(form, 'user')) : a.user;
      const capacity = String(value(form, 'capacity'));
      const body = {
        user,
        name: String(value(form, 'name')) || undefined,
        role: String(value(form, 'role')),
        sites: /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('.days input')]).filter((c) => c.checked).map((c) => c.value),
        capacity: capacity === '' ? undefined : Number.isNaN(Number(capacity)) ? capacity : Number(capacity),
        disabled: Boolean(value(form, 'disabled')),
        password: String(value(form, 'password')) || undefined,
      };
      try {
        const r = isNew
          ? await api.post('/api/admin/agents', body)
          : await api.put(`/api/admin/agents/${encodeURIComponent(user)}`, body, version ?? undefined);
        await load();
        open(r.body, r.version);
        status(`Agent ${user} saved.`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 412) {
          summary.textContent = 'This agent was changed by someone else meanwhile — reload to see their changes (yours are not saved).';
          const reload = h('button', { type: 'button', class: 'secondary' }, 'Reload');
          reload.addEventListener('click', () => edit(user));
          summary.append(' ', reload);
        } else if (err instanceof ApiError) {
          showError(form, err.field, err.message);
        } else {
          summary.textContent = String(err);
        }
      }
    });
    editor.replaceChildren(title, form);
    editor.hidden = false;
    title.focus();
  }

  /** @type {Promise<void>} the latest load: the sites' checkboxes need its list of sites */
  let loaded = Promise.resolve();
  const show = () => {
    loaded = load();
    return loaded;
  };
  // A new agent's form lists the sites as the latest load read them: wait for it.
  document.getElementById('new-agent')?.addEventListener('click', () => loaded.then(() => open(null, null)));
  return { show };
}
