// @ts-check
// The console's canned replies: a few defaults, and the agent's own, kept in localStorage.

const CANNED_KEY = 'parley:console:canned';
const DEFAULT_CANNED = [
  'Hi! I\'m here to help — give me a moment to read the conversation.',
  'Thanks for waiting. Let me check that for you.',
  'Is there anything else I can help you with?',
  'Thanks for chatting with us. Have a great day!',
];

/** The canned replies. @returns {string[]} */
export function canned() {
  try {
    const saved = JSON.parse(localStorage.getItem(CANNED_KEY) ?? 'null');
    return Array.isArray(saved) ? saved.filter((s) => typeof s === 'string') : DEFAULT_CANNED;
  } catch {
    return DEFAULT_CANNED;
  }
}

/** Adds a reply to the list. @param {string} text */
export function saveCanned(text) {
  localStorage.setItem(CANNED_KEY, JSON.stringify([...canned(), text]));
}

/**
 * Draws the replies as buttons into `el`; a click hands the text to `use`.
 * @param {HTMLElement} el @param {(text: string) => void} use
 */
export function renderCanned(el, use) {
  el.replaceChildren(...canned().map((text) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text.length > 40 ? text.slice(0, 38) + '…' : text;
    b.title = text;
    b.addEventListener('click', () => use(text));
    return b;
  }));
}
