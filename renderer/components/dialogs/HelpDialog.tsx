import { Fragment } from 'react';
import { modKey, SHORTCUTS, type Shortcut } from '../../state/shortcuts';
import { closeDialog } from '../../state/ui';
import { Modal } from './Modal';

const SECTIONS: readonly Shortcut['section'][] = ['File', 'Edit', 'Canvas', 'Help'];

/** A key combination as keycaps: `Mod+Shift+Z` → Ctrl + Shift + Z (⌘ on a Mac). */
function Keys({ combo, mod }: { combo: string; mod: string }) {
  const parts = combo.length > 1 ? combo.split('+') : [combo];
  return (
    <span className="dlg-combo">
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && (
            <span className="dlg-plus" aria-hidden="true">
              +
            </span>
          )}
          <kbd>{p === 'Mod' ? mod : p}</kbd>
        </Fragment>
      ))}
    </span>
  );
}

const TIPS: readonly { title: string; text: string }[] = [
  {
    title: 'Linear groups',
    text: 'Run their members one after another, in the order the arrows show. Drag a member to another place to reorder.',
  },
  {
    title: 'Graph groups',
    text: 'Run members as their links allow: draw a link from one member’s right handle to another’s left. Dashed edges are data, inferred from one task’s provides to another’s requires.',
  },
  {
    title: 'Retries',
    text: 'A group can carry a retry controller: when a member fails, the group’s work is reverted and run again (say, up to 3 attempts), or reverted for good.',
  },
];

/** Keyboard shortcuts and how flows work. */
export function HelpDialog() {
  const mod = modKey();
  const sections = SECTIONS.map((section) => ({
    section,
    shortcuts: SHORTCUTS.filter((s) => s.section === section),
  })).filter((s) => s.shortcuts.length > 0);
  return (
    <Modal title="Keyboard shortcuts" onClose={closeDialog} size="lg" testId="help-dialog">
      <div className="dlg-help">
        <div className="dlg-shortcuts">
          {sections.map(({ section, shortcuts }) => (
            <section key={section} className="dlg-shortcut-section" aria-label={section}>
              <h3 className="dlg-section-title">{section}</h3>
              <dl className="dlg-shortcut-list">
                {shortcuts.map((s) => (
                  <div key={s.action} className="dlg-shortcut">
                    <dt className="dlg-shortcut-action">{s.action}</dt>
                    <dd className="dlg-shortcut-keys">
                      {s.keys.map((k, i) => (
                        <Fragment key={k}>
                          {i > 0 && <span className="dlg-or">or</span>}
                          <Keys combo={k} mod={mod} />
                        </Fragment>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <aside className="dlg-tips" aria-label="How flows work">
          <h3 className="dlg-section-title">How flows work</h3>
          <ul className="dlg-tip-list">
            {TIPS.map((t) => (
              <li key={t.title} className="dlg-tip">
                <strong>{t.title}</strong> {t.text}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </Modal>
  );
}
