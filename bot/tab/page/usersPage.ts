import { openDialog } from './dialog';
import { h, paragraphs } from './dom';
import { messageOf, wasClosed, type Shell, type Visit } from './shell';
import { api, ApiError, signInPopUp } from './teams';
import { nameOf, userKey, usersView, type AccountUser, type TenantUsers, type UsersView } from './usersView';

type SignInResult = { ok: true; managing: string; notice?: string } | { ok: false; message: string };

/** The Users page and what a Manager does on it; every rule is the server's (R1, R6, R13). */
export class UsersPage {
  private view: UsersView | undefined;

  constructor(private readonly shell: Shell) {}

  async show(stillHere: Visit = this.shell.visit()): Promise<void> {
    try {
      const view = await api<UsersView>('/tab/api/users');
      if (!stillHere()) return;
      this.view = view;
      this.shell.content.replaceChildren(
        usersView(this.view, {
          signIn: (tenant, query) => void this.signIn(tenant, query),
          signOut: () => void this.signOut(),
          add: (tenant, users, roles) => void this.add(tenant, users, roles),
          changeRoles: (user) => this.changeRoles(user),
          remove: (user, tenant) => this.remove(user, tenant),
        }),
      );
    } catch (error) {
      if (!stillHere()) return;
      this.shell.content.replaceChildren();
      this.shell.setStatus(messageOf(error));
    }
  }

  /** The pop-up, as for an association: signed in to the tenant as one of its Managers, its search done. */
  private async signIn(tenant: TenantUsers, query?: string): Promise<void> {
    const stillHere = this.shell.visit();
    try {
      const { url } = await api<{ url: string }>('/tab/api/users/sign-ins', {
        method: 'POST',
        body: { tenantId: tenant.tenantId, ...(query ? { query } : {}) },
      });
      // No pop-up for a page the person left; nor its search after it: the sign-in shows when they come back.
      if (!stillHere()) return;
      this.shell.setStatus(
        `Sign in to ${tenant.organization}, in the window that opened, as one of its users who is a Manager.`,
      );
      const result = JSON.parse(await signInPopUp(url)) as SignInResult;
      if (!stillHere()) return;
      if (!result.ok) return this.shell.setStatus(result.message);
      await this.show(stillHere);
      if (!stillHere()) return;
      const signedIn = this.view?.managing;
      this.shell.setStatus(
        result.notice ?? (signedIn ? `Signed in to ${signedIn.organization} as ${signedIn.signedInAs}.` : ''),
      );
      this.section(tenant.tenantId)?.querySelector<HTMLElement>('.found, .manage-line button')?.focus();
    } catch (error) {
      if (!stillHere()) return;
      this.shell.setStatus(
        wasClosed(error) ? 'The sign-in was closed. Nothing was changed.' : messageOf(error),
      );
    }
  }

  private async signOut(): Promise<void> {
    await this.change(() => api<{ notice: string }>('/tab/api/users/sign-ins', { method: 'DELETE' }));
  }

  private async add(tenant: TenantUsers, users: string[], roles: string[]): Promise<void> {
    if (users.length === 0 || roles.length === 0) {
      return this.shell.setStatus('Pick at least one person to add, and at least one role.');
    }
    const stillHere = this.shell.visit();
    await this.change(
      () =>
        api<{ notice: string }>('/tab/api/users', {
          method: 'POST',
          body: { tenantId: tenant.tenantId, users, roles },
        }),
      stillHere,
    );
    if (stillHere()) this.section(tenant.tenantId)?.querySelector<HTMLElement>('h2')?.focus();
  }

  /** Change roles: the user's roles replaced at once (R13 refused in the dialog itself). */
  private changeRoles(user: AccountUser): void {
    // The dialog belongs to this visit: saved after the person left, it changes the roles, draws nothing.
    const stillHere = this.shell.visit();
    const roles = this.view?.roles ?? [];
    const boxes = roles.map((role) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'checkbox', name: 'role', value: role, checked: user.roles.includes(role) }),
        ` ${role}`,
      ),
    );
    const fieldset = h('fieldset', { class: 'roles' }, h('legend', {}, 'Roles'), ...boxes);
    openDialog({
      title: `Change the roles of ${nameOf(user)}`,
      body: [
        fieldset,
        h('p', { class: 'subtle' }, 'The roles apply at once, for everything the account allows.'),
      ],
      confirm: 'Save',
      onConfirm: () =>
        this.refusalOf(
          () =>
            api<{ notice: string }>(`/tab/api/users/${path(user)}/roles`, {
              method: 'PUT',
              body: {
                roles: [...fieldset.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value),
              },
            }),
          stillHere,
        ),
      focusAfter: () => this.button('data-change-roles', user),
    });
  }

  /** Remove: out of the account, still in their directory (R13 refused in the dialog itself). */
  private remove(user: AccountUser, tenant: TenantUsers): void {
    const stillHere = this.shell.visit();
    const account = this.view?.account ?? 'the account';
    openDialog({
      title: `Remove ${nameOf(user)} from ${account}?`,
      body: [
        paragraphs(
          `${nameOf(user)} loses the roles ${user.roles.join(', ')} at once and can no longer sign in to ${account}. ` +
            `Their account in the directory of ${tenant.organization} stays as it is.`,
        ),
      ],
      confirm: 'Remove',
      destructive: true,
      onConfirm: () =>
        this.refusalOf(
          () => api<{ notice: string }>(`/tab/api/users/${path(user)}`, { method: 'DELETE' }),
          stillHere,
        ),
      focusAfter: () => this.section(tenant.tenantId)?.querySelector<HTMLElement>('h2') ?? null,
    });
  }

  /** A change, then the page as it is now with what the server said on top. */
  private async change(
    call: () => Promise<{ notice: string }>,
    stillHere: Visit = this.shell.visit(),
  ): Promise<void> {
    try {
      const { notice } = await call();
      await this.show(stillHere);
      if (stillHere()) this.shell.setStatus(notice);
    } catch (error) {
      if (stillHere()) this.shell.setStatus(messageOf(error));
    }
  }

  /**
   * For a dialog: undefined once done (the page redrawn, the notice said), else the server's refusal. The
   * person left meanwhile (Back, with the dialog open): it closes, with nothing said over their page.
   */
  private async refusalOf(
    call: () => Promise<{ notice: string }>,
    stillHere: Visit,
  ): Promise<string | undefined> {
    try {
      const { notice } = await call();
      await this.show(stillHere);
      if (stillHere()) this.shell.setStatus(notice);
      return undefined;
    } catch (error) {
      if (!stillHere()) return undefined;
      if (error instanceof ApiError) return error.message;
      throw error;
    }
  }

  private section(tenantId: string): HTMLElement | null {
    return (
      [...this.shell.content.querySelectorAll<HTMLElement>('section[data-tenant]')].find(
        (s) => s.dataset.tenant === tenantId,
      ) ?? null
    );
  }

  private button(attribute: string, user: AccountUser): HTMLElement | null {
    return (
      [...this.shell.content.querySelectorAll<HTMLElement>(`button[${attribute}]`)].find(
        (b) => b.getAttribute(attribute) === userKey(user),
      ) ?? null
    );
  }
}

function path(user: AccountUser): string {
  return `${encodeURIComponent(user.tenantId)}/${encodeURIComponent(user.objectId)}`;
}
