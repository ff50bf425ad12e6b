// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dialogs } from '../../renderer/components/dialogs/Dialogs';
import { emptyDocument } from '../../renderer/designer/document';
import { EXAMPLES } from '../../renderer/designer/examples';
import { edit, loadDocument, useDesigner } from '../../renderer/state/designer';
import { deleteSaved, listSaved, openSaved } from '../../renderer/state/files';
import { modKey, SHORTCUTS } from '../../renderer/state/shortcuts';
import { ask, openDialog, useUi } from '../../renderer/state/ui';

// The saved-flow calls go to the host; the dialog's side of them is what is tested here.
vi.mock('../../renderer/state/files', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../renderer/state/files')>()),
  listSaved: vi.fn(),
  openSaved: vi.fn(),
  deleteSaved: vi.fn(),
}));

beforeEach(() => {
  loadDocument(emptyDocument(), undefined);
  useUi.setState({ dialog: undefined, question: undefined });
  vi.mocked(listSaved).mockReset();
  vi.mocked(openSaved).mockReset();
  vi.mocked(deleteSaved).mockReset();
});

afterEach(() => {
  cleanup();
});

function dialog(name: string): HTMLElement {
  return screen.getByRole('dialog', { name });
}

describe('NewDialog', () => {
  it('offers a blank flow and every bundled example with its root type and task count', () => {
    render(<Dialogs />);
    act(() => {
      openDialog('new');
    });
    const d = dialog('New flow');
    expect(d.getAttribute('aria-modal')).toBe('true');
    expect(within(d).getByTestId('new-blank').textContent).toContain('Blank flow');
    expect(EXAMPLES.length).toBeGreaterThan(0);
    for (const e of EXAMPLES) {
      const card = within(d).getByTestId(`new-example-${e.file.replace(/\.flow\.json$/, '')}`);
      expect(card.textContent).toContain(e.file.replace(/\.flow\.json$/, ''));
      expect(card.textContent).toMatch(new RegExp(`${e.doc.flow.type} · \\d+ tasks?`));
    }
    // Focus moved into the dialog.
    expect(d.contains(document.activeElement)).toBe(true);
  });

  it('counts the tasks of nested groups', () => {
    render(<Dialogs />);
    act(() => {
      openDialog('new');
    });
    const deploy = EXAMPLES.find((e) => e.file === 'retry.flow.json')!;
    const count = JSON.stringify(deploy.doc.flow).match(/"type":"task"/g)!.length;
    expect(screen.getByTestId('new-example-retry').textContent).toContain(
      `${deploy.doc.flow.type} · ${String(count)} tasks`,
    );
  });

  it('loads the example clicked into the designer and closes', async () => {
    render(<Dialogs />);
    for (const example of EXAMPLES) {
      loadDocument(emptyDocument(), undefined);
      act(() => {
        openDialog('new');
      });
      fireEvent.click(screen.getByTestId(`new-example-${example.file.replace(/\.flow\.json$/, '')}`));
      await waitFor(() => {
        expect(useUi.getState().dialog).toBeUndefined();
      });
      const doc = useDesigner.getState().doc;
      expect(doc.name).toBe(example.doc.name);
      expect(doc.flow).toEqual(example.doc.flow);
      // A copy: editing it leaves the example as it was.
      expect(doc).not.toBe(example.doc);
    }
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('asks before discarding unsaved changes, and stays open when the person keeps them', async () => {
    render(<Dialogs />);
    edit((d) => {
      d.name = 'mine';
    });
    act(() => {
      openDialog('new');
    });
    fireEvent.click(screen.getByTestId('new-blank'));
    const question = await screen.findByRole('alertdialog', { name: 'Discard unsaved changes?' });
    fireEvent.click(within(question).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => {
      expect(screen.queryByRole('alertdialog')).toBeNull();
    });
    expect(useDesigner.getState().doc.name).toBe('mine');
    expect(useUi.getState().dialog).toBe('new');

    fireEvent.click(screen.getByTestId('new-blank'));
    fireEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Discard changes' }),
    );
    await waitFor(() => {
      expect(useUi.getState().dialog).toBeUndefined();
    });
    expect(useDesigner.getState().doc.name).toBe('untitled');
  });

  it('closes with Escape, the close button and a click on the overlay, and gives focus back', () => {
    render(
      <>
        <button type="button">before</button>
        <Dialogs />
      </>,
    );
    const before = screen.getByRole('button', { name: 'before' });
    before.focus();
    act(() => {
      openDialog('new');
    });
    expect(document.activeElement).not.toBe(before);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(useUi.getState().dialog).toBeUndefined();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(before);

    act(() => {
      openDialog('new');
    });
    fireEvent.click(within(dialog('New flow')).getByRole('button', { name: 'Close' }));
    expect(useUi.getState().dialog).toBeUndefined();

    act(() => {
      openDialog('new');
    });
    const overlay = screen.getByTestId('new-dialog-overlay');
    // A press inside the card that ends on the overlay does not close.
    fireEvent.mouseDown(dialog('New flow'));
    fireEvent.click(overlay);
    expect(useUi.getState().dialog).toBe('new');
    fireEvent.mouseDown(overlay);
    fireEvent.click(overlay);
    expect(useUi.getState().dialog).toBeUndefined();
  });
});

describe('ConfirmDialog', () => {
  it('resolves ask() with true on the confirm button', async () => {
    render(<Dialogs />);
    let answer!: Promise<boolean>;
    act(() => {
      answer = ask('Delete this flow?', '“demo” will be removed.', 'Delete');
    });
    const q = screen.getByRole('alertdialog', { name: 'Delete this flow?' });
    expect(q.textContent).toContain('“demo” will be removed.');
    const confirm = within(q).getByRole('button', { name: 'Delete' });
    expect(confirm.className).toContain('dlg-button-danger');
    // The safe answer has the focus.
    expect(document.activeElement).toBe(within(q).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(confirm);
    await expect(answer).resolves.toBe(true);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('resolves ask() with false on Cancel and on Escape', async () => {
    render(<Dialogs />);
    let answer!: Promise<boolean>;
    act(() => {
      answer = ask('Discard?', 'Edits will be lost.', 'Discard');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await expect(answer).resolves.toBe(false);

    act(() => {
      answer = ask('Discard?', 'Edits will be lost.', 'Discard');
    });
    const onWindowKey = vi.fn();
    window.addEventListener('keydown', onWindowKey);
    fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    window.removeEventListener('keydown', onWindowKey);
    await expect(answer).resolves.toBe(false);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // The dialog's Escape is its own: the app's shortcuts do not see it.
    expect(onWindowKey).not.toHaveBeenCalled();
  });
});

describe('HelpDialog', () => {
  it('lists every shortcut by section, with keys as keycaps', () => {
    render(<Dialogs />);
    act(() => {
      openDialog('help');
    });
    const d = dialog('Keyboard shortcuts');
    for (const s of SHORTCUTS) {
      const section = within(d).getByRole('region', { name: s.section });
      const action = within(section).getByText(s.action);
      const keys = action.parentElement!.querySelectorAll('kbd');
      expect(keys.length).toBeGreaterThanOrEqual(s.keys.length);
    }
    const undo = within(d).getByText('Undo').parentElement!;
    expect([...undo.querySelectorAll('kbd')].map((k) => k.textContent)).toEqual([modKey(), 'Z']);
    const zoom = within(d).getByText('Zoom in, zoom out').parentElement!;
    expect([...zoom.querySelectorAll('kbd')].map((k) => k.textContent)).toEqual(['+', '-']);
    expect(d.textContent).not.toContain('Mod');
    const tips = within(d).getByRole('complementary', { name: 'How flows work' });
    expect(within(tips).getAllByRole('listitem')).toHaveLength(3);
  });
});

describe('OpenDialog', () => {
  const now = Date.now();
  const saved = [
    { name: 'nightly-batch', updatedAt: new Date(now - 3 * 3600_000).toISOString(), bytes: 2300 },
    { name: 'deploy', updatedAt: new Date(now - 60_000).toISOString(), bytes: 812 },
  ];

  it('lists the saved flows, newest first, and opens the one clicked', async () => {
    vi.mocked(listSaved).mockResolvedValue(saved);
    vi.mocked(openSaved).mockResolvedValue(true);
    render(<Dialogs />);
    act(() => {
      openDialog('open');
    });
    expect(within(dialog('Open flow')).getByText('Loading saved flows…')).toBeTruthy();
    const row = await screen.findByTestId('open-row-deploy');
    expect(row.textContent).toContain('deploy');
    expect(row.textContent).toContain('updated 1 min ago');
    expect(row.textContent).toContain('812 B');
    expect(screen.getByTestId('open-row-nightly-batch').textContent).toContain('updated 3 h ago');
    expect(screen.getByTestId('open-row-nightly-batch').textContent).toContain('2.2 KB');
    const names = screen.getAllByTestId(/^open-row-/).map((r) => r.dataset.testid);
    expect(names).toEqual(['open-row-deploy', 'open-row-nightly-batch']);

    fireEvent.click(
      within(screen.getByTestId('open-row-nightly-batch')).getByRole('button', { name: /^Open/ }),
    );
    expect(openSaved).toHaveBeenCalledWith('nightly-batch');
    await waitFor(() => {
      expect(useUi.getState().dialog).toBeUndefined();
    });
  });

  it('opens on a double-click of the row, and filters by name', async () => {
    vi.mocked(listSaved).mockResolvedValue(saved);
    vi.mocked(openSaved).mockResolvedValue(false);
    render(<Dialogs />);
    act(() => {
      openDialog('open');
    });
    await screen.findByTestId('open-row-deploy');
    const filter = screen.getByRole('searchbox', { name: 'Filter saved flows' });
    expect(document.activeElement).toBe(filter);
    fireEvent.change(filter, { target: { value: 'NIGHT' } });
    expect(screen.queryByTestId('open-row-deploy')).toBeNull();
    fireEvent.doubleClick(screen.getByTestId('open-row-nightly-batch'));
    expect(openSaved).toHaveBeenCalledWith('nightly-batch');
    // Not opened (the person kept their edits): the dialog stays.
    await Promise.resolve();
    expect(useUi.getState().dialog).toBe('open');
  });

  it('deletes a flow and lists again', async () => {
    vi.mocked(listSaved).mockResolvedValueOnce(saved).mockResolvedValueOnce([saved[0]!]);
    vi.mocked(deleteSaved).mockResolvedValue(true);
    render(<Dialogs />);
    act(() => {
      openDialog('open');
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete deploy' }));
    expect(deleteSaved).toHaveBeenCalledWith('deploy');
    await waitFor(() => {
      expect(screen.queryByTestId('open-row-deploy')).toBeNull();
    });
    expect(screen.getByTestId('open-row-nightly-batch')).toBeTruthy();
    expect(listSaved).toHaveBeenCalledTimes(2);
  });

  it('says when nothing is saved yet, and why the list could not be read', async () => {
    vi.mocked(listSaved)
      .mockResolvedValueOnce([])
      .mockRejectedValueOnce(new Error('Not connected to the host'));
    render(<Dialogs />);
    act(() => {
      openDialog('open');
    });
    expect(
      await screen.findByText(/^No saved flows yet — Save \(.+\+S\) keeps the flow on the canvas here$/),
    ).toBeTruthy();
    act(() => {
      useUi.setState({ dialog: undefined });
    });
    act(() => {
      openDialog('open');
    });
    expect((await screen.findByRole('alert')).textContent).toContain('Not connected to the host');
  });
});
