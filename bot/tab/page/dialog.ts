import { h, paragraphs } from './dom';

export interface DialogOptions {
  title: string;
  /** The form's fields and text, between the title and the buttons. */
  body: Node[];
  confirm: string;
  /** A removal reads as one: its button is marked as destructive. */
  destructive?: boolean;
  /** Does what was asked; the words it returns (a refusal) keep the dialog open with them shown. */
  onConfirm(): Promise<string | undefined>;
  /** Where focus goes once it closes, when what opened it was drawn anew meanwhile. */
  focusAfter?(): HTMLElement | null;
}

/**
 * A modal dialog (the browser's own `<dialog>`: it keeps focus inside, Escape closes it) that gives focus back to
 * what opened it. A refusal is shown in the dialog, as an alert, next to the choice that caused it.
 */
export function openDialog(options: DialogOptions): HTMLDialogElement {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
  const error = h('div', { class: 'dialog-error', role: 'alert' });
  const confirm = h(
    'button',
    { type: 'submit', class: options.destructive ? 'danger' : 'primary', 'data-dialog': 'confirm' },
    options.confirm,
  );
  const cancel = h('button', { type: 'button', 'data-dialog': 'cancel' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: titleId }, options.title),
    ...options.body,
    error,
    h('p', { class: 'buttons' }, confirm, ' ', cancel),
  );
  const dialog = h('dialog', { 'aria-labelledby': titleId }, form);
  const close = () => dialog.close();
  cancel.addEventListener('click', close);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    confirm.disabled = true;
    void options.onConfirm().then(
      (refusal) => {
        confirm.disabled = false;
        if (refusal) error.replaceChildren(paragraphs(refusal));
        else close();
      },
      () => {
        confirm.disabled = false;
        error.replaceChildren(paragraphs('Something went wrong and nothing was changed. Please try again.'));
      },
    );
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    const next = opener?.isConnected ? opener : options.focusAfter?.();
    next?.focus();
  });
  (document.getElementById('main') ?? document.body).append(dialog);
  dialog.showModal();
  return dialog;
}
