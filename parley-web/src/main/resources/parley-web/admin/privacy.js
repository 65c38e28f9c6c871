// @ts-check
// The admin page's data protection section (docs/SECURITY.md#data-protection): export a visitor of
// a site as a JSON download, erase a visitor, delete a resolved conversation. The two deletions
// ask first: nothing is sent until the admin confirms. Runs on the page's event loop.

/** @typedef {import('./api.js').AdminApi} AdminApi */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {AdminApi} api */
export function privacyPane(api) {
  const site = /** @type {HTMLSelectElement} */ ($('privacy-site'));
  const visitor = /** @type {HTMLInputElement} */ ($('privacy-visitor'));
  const conv = /** @type {HTMLInputElement} */ ($('privacy-conv'));
  const result = $('privacy-result');
  const confirmBox = $('privacy-confirm');
  const download = /** @type {HTMLAnchorElement} */ ($('privacy-download'));
  /** @type {(() => Promise<void>)|null} what the admin is asked to confirm */
  let pending = null;

  const visitorPath = () =>
    `/api/admin/sites/${encodeURIComponent(site.value)}/visitors/${encodeURIComponent(visitor.value.trim())}`;

  /** @param {unknown} e */
  const failed = (e) => {
    result.textContent = `Failed: ${e instanceof Error ? e.message : e}`;
  };

  /** Asks `question`; `action` runs only on "Yes". @param {string} question @param {() => Promise<void>} action */
  function ask(question, action) {
    $('privacy-question').textContent = question;
    confirmBox.hidden = false;
    pending = action;
    $('privacy-no').focus();
  }

  $('privacy-yes').addEventListener('click', async () => {
    const action = pending;
    pending = null;
    confirmBox.hidden = true;
    if (action) {
      try {
        await action();
      } catch (e) {
        failed(e);
      }
    }
  });
  $('privacy-no').addEventListener('click', () => {
    pending = null;
    confirmBox.hidden = true;
    result.textContent = 'Cancelled.';
  });

  $('privacy-export').addEventListener('click', async () => {
    if (!visitor.value.trim()) {
      result.textContent = 'Enter the visitor\'s user id.';
      return;
    }
    try {
      const { body } = await api.get(`${visitorPath()}/export`);
      const text = JSON.stringify(body, null, 2);
      download.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      download.hidden = false;
      result.textContent = `Exported ${body.conversations.length} conversation(s).`;
    } catch (e) {
      failed(e);
    }
  });

  $('privacy-erase').addEventListener('click', () => {
    const who = visitor.value.trim();
    if (!who) {
      result.textContent = 'Enter the visitor\'s user id.';
      return;
    }
    ask(`Erase visitor ${who} of ${site.value}? Its messages are replaced by tombstones; this cannot be undone.`,
      async () => {
        const { body } = await api.del(visitorPath());
        result.textContent = `Erased: ${body.messages} message(s) in ${body.conversations} conversation(s).`;
      });
  });

  $('privacy-delete').addEventListener('click', () => {
    const id = conv.value.trim();
    if (!id) {
      result.textContent = 'Enter the conversation id.';
      return;
    }
    ask(`Delete conversation ${id} of ${site.value} with all its messages? This cannot be undone.`,
      async () => {
        const { body } = await api.del(`/api/admin/sites/${encodeURIComponent(site.value)}/conversations/${encodeURIComponent(id)}`);
        result.textContent = `Deleted conversation ${body.conversation} (${body.messages} message(s)).`;
      });
  });

  return {
    show: async () => {
      try {
        const { body } = await api.get('/api/admin/sites');
        const chosen = site.value;
        site.replaceChildren(...body.map((/** @type {{id: string}} */ s) => {
          const o = document.createElement('option');
          o.value = s.id;
          o.textContent = s.id;
          return o;
        }));
        if (chosen) {
          site.value = chosen;
        }
      } catch (e) {
        failed(e);
      }
    },
  };
}
