// @ts-check
// The admin page's sites: the list, and an editor for one site — name, origins, visitors, the
// write-only identity secret, greeting, hours, its bot (kind, LLM endpoint and write-only key,
// webhook and write-only secret) and its widget's appearance (appearance.js). Saving sends the
// whole site (PUT replaces it) over the version read (If-Match): a 412 says someone else changed
// it. The API's field errors show beside their fields.
import { ApiError } from './api.js';
import { h, field, value, clearErrors, showError } from './form.js';
import { appearanceSection } from './appearance.js';

/** @typedef {import('./api.js').AdminApi} AdminApi */

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** `v` as a number when it reads as one (else as typed: the API names the field). @param {string} v */
function num(v) {
  return v === '' ? undefined : Number.isNaN(Number(v)) ? v : Number(v);
}

/** `v`, or undefined when empty (the API's default). @param {string|boolean} v */
function opt(v) {
  return v === '' ? undefined : v;
}

/**
 * @param {AdminApi} api @param {(text: string) => void} status
 */
export function sitesPane(api, status) {
  const list = /** @type {HTMLElement} */ (document.getElementById('site-list'));
  const editor = /** @type {HTMLElement} */ (document.getElementById('site-editor'));
  const loading = /** @type {HTMLElement} */ (document.getElementById('sites-loading'));
  /** @type {(() => void)|null} closes the open editor's preview */
  let closePreview = null;

  async function load() {
    loading.hidden = false;
    loading.textContent = 'Loading…';
    try {
      const { body } = await api.get('/api/admin/sites');
      const sites = /** @type {any[]} */ (body);
      list.replaceChildren(...sites.map((s) => {
        const b = h('button', { type: 'button', class: 'item' }, s.name || s.id);
        b.append(h('span', { class: 'meta' }, ` ${s.id}${s.disabled ? ' · disabled' : ''}`));
        b.addEventListener('click', () => edit(s.id));
        return h('li', {}, b);
      }));
      loading.hidden = sites.length > 0;
      loading.textContent = 'No sites yet: make the first one with "New site".';
    } catch (e) {
      loading.textContent = `The sites could not be read: ${e instanceof Error ? e.message : e}`;
    }
  }

  /** Opens the editor on the stored site `id`. @param {string} id */
  async function edit(id) {
    status(`Loading site ${id}…`);
    try {
      const { body, version } = await api.get(`/api/admin/sites/${encodeURIComponent(id)}`);
      open(body, version);
      status('');
    } catch (e) {
      status(`Site ${id} could not be read: ${e instanceof Error ? e.message : e}`);
    }
  }

  /**
   * Shows the editor for `site` (null: a new one) at `version`.
   * @param {any} site @param {number|null} version
   */
  function open(site, version) {
    closePreview?.();
    closePreview = null;
    const isNew = site == null;
    const s = site ?? {};
    const title = h('h3', { id: 'site-form-title', tabindex: '-1' }, isNew ? 'New site' : `Site ${s.id}`);
    const form = /** @type {HTMLFormElement} */ (h('form', { class: 'site-form', 'aria-labelledby': title.id, novalidate: '' }));
    const summary = h('p', { class: 'form-error', role: 'alert' });
    const hours = s.hours ?? {};
    const dayBoxes = DAYS.map((d) => field(d[0] + d.slice(1, 3).toLowerCase(), `hours.day.${d}`, {
      type: 'checkbox', value: (hours.days ?? []).includes(d),
    }));
    dayBoxes[0].querySelector('input')?.setAttribute('data-field', 'hours');
    const bot = s.bot ?? {};
    const llm = bot.llm ?? {};
    const hook = bot.webhook ?? {};
    const emb = bot.embeddings ?? {};
    const look = appearanceSection(s, isNew);
    form.append(
      summary,
      h('fieldset', {}, h('legend', {}, 'Site'),
        isNew ? field('Id', 'id', { hint: 'Letters, digits, _ . - (the widget\'s data-site)', attrs: { required: '' } }) : '',
        field('Name', 'name', { value: s.name }),
        field('Allowed origins', 'allowedOrigins', {
          type: 'textarea', value: (s.allowedOrigins ?? []).join('\n'),
          hint: 'One per line, like https://shop.example — the pages that may open the widget ("*" for any).',
        }),
        field('Anonymous visitors may chat', 'anonymousVisitors', { type: 'checkbox', value: s.anonymousVisitors ?? true }),
        field('Identity secret', 'identitySecret', {
          type: 'password', attrs: { autocomplete: 'new-password' },
          hint: s.identitySecretSet ? 'Set. Leave empty to keep it.' : 'Not set. At least 32 bytes; your backend signs visitors\' JWTs with it.',
        }),
        field('Disabled', 'disabled', { type: 'checkbox', value: s.disabled })),
      h('fieldset', {}, h('legend', {}, 'Greeting and hours'),
        field('Greeting', 'greeting', { type: 'textarea', value: s.greeting, attrs: { required: '' } }),
        field('Bot name', 'botName', { value: s.botName }),
        h('div', { class: 'days', role: 'group', 'aria-label': 'Days agents answer (none: every day)' }, ...dayBoxes),
        h('div', { class: 'row' },
          field('Opens', 'hours.opens', { type: 'time', value: hours.opens }),
          field('Closes', 'hours.closes', { type: 'time', value: hours.closes }),
          field('Time zone', 'hours.zone', { value: hours.zone, hint: 'Like Europe/Berlin' })),
        field('Visitor idle', 'visitorIdle', { value: s.visitorIdle, hint: 'Like 15m: a silent, gone visitor\'s conversation then closes.' }),
        field('Retention (days)', 'retentionDays', {
          type: 'number', value: s.retentionDays, attrs: { min: '1', max: '3650' },
          hint: 'Resolved conversations older than this are deleted, hourly. Empty: kept forever.',
        })),
      h('fieldset', {}, h('legend', {}, 'Bot'),
        field('Kind', 'bot.kind', {
          value: bot.kind ?? '',
          options: [['', 'The deployment\'s'], ['kb', 'Knowledge base'], ['llm', 'LLM'], ['webhook', 'Webhook'], ['none', 'None (people only)']],
        }),
        h('div', { class: 'llm' },
          field('LLM base URL', 'bot.llm.baseUrl', { type: 'url', value: llm.baseUrl, hint: 'OpenAI-compatible, like https://api.openai.com/v1' }),
          field('Model', 'bot.llm.model', { value: llm.model }),
          field('API key', 'bot.llm.apiKey', {
            type: 'password', attrs: { autocomplete: 'new-password' }, hint: llm.apiKeySet ? 'Set. Leave empty to keep it.' : 'Not set.',
          }),
          field('System prompt', 'bot.llm.systemPrompt', { type: 'textarea', value: llm.systemPrompt, rows: 4 }),
          h('div', { class: 'row' },
            field('Temperature', 'bot.llm.temperature', { type: 'number', value: llm.temperature, attrs: { step: '0.1', min: '0', max: '2' } }),
            field('Max tokens', 'bot.llm.maxTokens', { type: 'number', value: llm.maxTokens, attrs: { min: '1', max: '32000' } })),
          field('Image inputs', 'bot.llm.imageInputs', {
            value: llm.imageInputs == null ? '' : String(llm.imageInputs),
            options: [['', 'The deployment\'s'], ['true', 'On: the model sees attached images'], ['false', 'Off']],
            hint: 'Only for a model that accepts images. They go to this model\'s provider.',
          })),
        h('div', { class: 'webhook' },
          field('Webhook URL', 'bot.webhook.url', { type: 'url', value: hook.url }),
          field('Webhook secret', 'bot.webhook.secret', {
            type: 'password', attrs: { autocomplete: 'new-password' }, hint: hook.secretSet ? 'Set. Leave empty to keep it.' : 'Not set. At least 16 characters.',
          })),
        h('div', { class: 'embeddings' },
          field('Embeddings base URL', 'bot.embeddings.baseUrl', {
            type: 'url', value: emb.baseUrl, hint: 'Optional. OpenAI-compatible, like https://api.openai.com/v1: the knowledge is then searched by meaning as well as by words.',
          }),
          field('Embeddings model', 'bot.embeddings.model', { value: emb.model, hint: 'Like text-embedding-3-small. A change re-indexes the knowledge.' }),
          field('Embeddings API key', 'bot.embeddings.apiKey', {
            type: 'password', attrs: { autocomplete: 'new-password' }, hint: emb.apiKeySet ? 'Set. Leave empty to keep it.' : 'Not set.',
          }))),
      look.fieldset,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit' }, isNew ? 'Create site' : 'Save'),
        h('button', { type: 'button', class: 'secondary close' }, 'Close')));
    const kind = /** @type {HTMLSelectElement} */ (form.querySelector('[data-field="bot.kind"]'));
    const showBot = () => {
      /** @type {HTMLElement} */ (form.querySelector('.llm')).hidden = kind.value !== 'llm';
      /** @type {HTMLElement} */ (form.querySelector('.webhook')).hidden = kind.value !== 'webhook';
      /** @type {HTMLElement} */ (form.querySelector('.embeddings')).hidden = kind.value === '';
    };
    kind.addEventListener('change', showBot);
    showBot();
    form.querySelector('.close')?.addEventListener('click', () => {
      closePreview?.();
      closePreview = null;
      editor.hidden = true;
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const id = isNew ? String(value(form, 'id')) : s.id;
      const body = collect(form, s, id, look.collect());
      try {
        const r = isNew
          ? await api.post('/api/admin/sites', body)
          : await api.put(`/api/admin/sites/${encodeURIComponent(id)}`, body, version ?? undefined);
        await load();
        open(r.body, r.version);
        status(`Site ${id} saved (version ${r.version}).`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 412) {
          summary.textContent = 'This site was changed by someone else meanwhile — reload it to see their changes (yours are not saved).';
          const reload = h('button', { type: 'button', class: 'secondary' }, 'Reload');
          reload.addEventListener('click', () => edit(id));
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
    closePreview = look.start();
    title.focus();
  }

  /**
   * The site to send: what was read (so fields this page does not show are kept), with the form's
   * values over it; secrets only when typed (left out, the stored one is kept).
   * @param {HTMLFormElement} form @param {any} read @param {string} id @param {object|undefined} appearance
   */
  function collect(form, read, id, appearance) {
    const b = structuredClone(read);
    for (const k of ['version', 'updatedAt', 'identitySecretSet', 'identitySecret']) {
      delete b[k];
    }
    const v = (/** @type {string} */ n) => String(value(form, n));
    b.id = id;
    b.name = opt(v('name'));
    b.allowedOrigins = v('allowedOrigins').split('\n').map((o) => o.trim()).filter(Boolean);
    b.anonymousVisitors = Boolean(value(form, 'anonymousVisitors'));
    b.identitySecret = opt(v('identitySecret'));
    b.disabled = Boolean(value(form, 'disabled'));
    b.greeting = v('greeting');
    b.botName = opt(v('botName'));
    const days = DAYS.filter((d) => value(form, d === 'MONDAY' ? 'hours' : `hours.day.${d}`) === true);
    b.hours = days.length || v('hours.opens') || v('hours.closes')
      ? { days, opens: v('hours.opens') || '00:00', closes: v('hours.closes') || '23:59', zone: opt(v('hours.zone')) }
      : undefined;
    b.visitorIdle = opt(v('visitorIdle'));
    b.retentionDays = num(v('retentionDays'));
    const kind = v('bot.kind');
    b.bot = kind ? { kind } : undefined;
    if (kind === 'llm') {
      b.bot.llm = {
        baseUrl: opt(v('bot.llm.baseUrl')), model: opt(v('bot.llm.model')), apiKey: opt(v('bot.llm.apiKey')),
        systemPrompt: opt(v('bot.llm.systemPrompt')), temperature: num(v('bot.llm.temperature')),
        maxTokens: num(v('bot.llm.maxTokens')),
        imageInputs: v('bot.llm.imageInputs') === '' ? undefined : v('bot.llm.imageInputs') === 'true',
      };
    } else if (kind === 'webhook') {
      b.bot.webhook = { url: opt(v('bot.webhook.url')), secret: opt(v('bot.webhook.secret')) };
    }
    const embeddingsUrl = opt(v('bot.embeddings.baseUrl'));
    if (b.bot && embeddingsUrl) {
      b.bot.embeddings = { baseUrl: embeddingsUrl, model: opt(v('bot.embeddings.model')), apiKey: opt(v('bot.embeddings.apiKey')) };
    }
    b.appearance = appearance;
    return b;
  }

  document.getElementById('new-site')?.addEventListener('click', () => open(null, null));
  return { show: load };
}
