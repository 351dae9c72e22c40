import { h, paragraphs } from './dom';

export interface AccountUser {
  tenantId: string;
  objectId: string;
  displayName: string;
  upn?: string;
  roles: string[];
}

export interface TenantUsers {
  tenantId: string;
  organization: string;
  defaultDomain: string;
  own: boolean;
  /** R6: this viewer may change these users now (their own tenant, or the one they signed in to). */
  manageable: boolean;
  users: AccountUser[];
}

export interface Found {
  objectId: string;
  displayName: string;
  userPrincipalName: string;
  /** Already a user of the account, with these roles: not added twice. */
  roles?: string[];
}

export interface Managing {
  tenantId: string;
  organization: string;
  signedInAs: string;
  until: string;
  search?: { query: string; more: boolean; results: Found[] };
}

export interface UsersView {
  account: string;
  viewer: { displayName: string; roles: string[]; isManager: boolean };
  roles: string[];
  searchLength: number;
  tenants: TenantUsers[];
  managing?: Managing;
}

export interface UsersActions {
  signIn(tenant: TenantUsers, query?: string): void;
  signOut(): void;
  add(tenant: TenantUsers, users: string[], roles: string[]): void;
  changeRoles(user: AccountUser): void;
  remove(user: AccountUser, tenant: TenantUsers): void;
}

/** How a user is named: a Manager from the configuration has no name until they first open the app. */
export function nameOf(user: AccountUser): string {
  return user.displayName || `Not signed in yet (${user.objectId})`;
}

/** The key of a user in the page's data attributes. */
export function userKey(user: { tenantId: string; objectId: string }): string {
  return `${user.tenantId}/${user.objectId}`;
}

/**
 * Partner Center's Users page: the account's users by tenant, with their roles. Managers get, for each tenant,
 * what R6 lets them do there now, and a search of its directory to add people; everyone else sees their own
 * roles and whom to ask.
 */
export function usersView(view: UsersView, actions: UsersActions): HTMLElement {
  const { viewer, account } = view;
  const intro = viewer.isManager
    ? paragraphs(
        `Every user of ${account}, by tenant, with their roles. You change the users of a tenant as one of its own ` +
          'users who is a Manager: those of your own tenant as yourself, those of another tenant once you sign in to it. ' +
          'Removing someone takes their roles away; it deletes nobody from their directory. Creating users or inviting ' +
          'guests stays in Partner Center, and takes a global administrator of the tenant.',
      )
    : paragraphs(
        `Your roles in ${account}: **${viewer.roles.join(', ')}**. To get another role, ask one of the Managers below.`,
      );
  const tenants = viewer.isManager ? view.tenants : view.tenants.filter((t) => t.users.length > 0);
  return h(
    'div',
    { id: 'users' },
    h(
      'section',
      { 'aria-labelledby': 'users-heading' },
      h('h2', { id: 'users-heading' }, `Users of ${account}`),
      intro,
    ),
    ...tenants.map((tenant, i) => tenantSection(view, tenant, i, actions)),
  );
}

function tenantSection(
  view: UsersView,
  tenant: TenantUsers,
  index: number,
  actions: UsersActions,
): HTMLElement {
  const headingId = `tenant-users-${index}`;
  const section = h(
    'section',
    { class: 'tenant-users', 'aria-labelledby': headingId, 'data-tenant': tenant.tenantId },
    h(
      'h2',
      // Focus lands here after a change to the tenant's users, so the list is read from its start.
      { id: headingId, tabindex: '-1' },
      tenant.organization,
      tenant.defaultDomain && h('span', { class: 'subtle' }, ` ${tenant.defaultDomain}`),
    ),
  );
  if (view.viewer.isManager) section.append(manageLine(view, tenant, actions));
  section.append(
    tenant.users.length === 0
      ? h('p', {}, `No account users of ${tenant.organization} yet.`)
      : usersTable(tenant, view.viewer.isManager && tenant.manageable, actions),
  );
  if (view.viewer.isManager) section.append(addUsersForm(view, tenant, index, actions));
  return section;
}

/** What the viewer may do with this tenant's users now, and how to be allowed more (R6). */
function manageLine(view: UsersView, tenant: TenantUsers, actions: UsersActions): HTMLElement {
  const managing = view.managing?.tenantId === tenant.tenantId ? view.managing : undefined;
  if (managing) {
    const out = h(
      'button',
      { type: 'button', 'data-sign-out': tenant.tenantId },
      `Sign out of ${tenant.organization}`,
    );
    out.addEventListener('click', () => actions.signOut());
    return h(
      'p',
      { class: 'manage-line' },
      `Signed in to ${tenant.organization} as ${managing.signedInAs}, until ${timeOf(managing.until)}: you can change its users. `,
      out,
    );
  }
  if (tenant.own)
    return h('p', { class: 'manage-line' }, 'Your own tenant: you change its users as yourself.');
  const signIn = h(
    'button',
    { type: 'button', 'data-sign-in': tenant.tenantId },
    `Sign in to ${tenant.organization}`,
  );
  signIn.addEventListener('click', () => actions.signIn(tenant));
  return h(
    'p',
    { class: 'manage-line' },
    `To change these users, sign in to ${tenant.organization} as one of its users who is a Manager of ${view.account}. `,
    signIn,
  );
}

function usersTable(tenant: TenantUsers, manageable: boolean, actions: UsersActions): HTMLElement {
  const titles = ['Name', 'User name', 'Roles'];
  const rows = tenant.users.map((user) => {
    const row = h(
      'tr',
      { 'data-user': userKey(user) },
      h('th', { scope: 'row', 'data-label': 'Name' }, nameOf(user)),
      h('td', { 'data-label': 'User name' }, user.upn ?? ''),
      h('td', { 'data-label': 'Roles' }, user.roles.join(', ')),
    );
    if (manageable) {
      const change = h(
        'button',
        { type: 'button', 'data-change-roles': userKey(user) },
        'Change roles',
        h('span', { class: 'visually-hidden' }, ` of ${nameOf(user)}`),
      );
      change.addEventListener('click', () => actions.changeRoles(user));
      const remove = h(
        'button',
        { type: 'button', 'data-remove-user': userKey(user) },
        'Remove',
        h('span', { class: 'visually-hidden' }, ` ${nameOf(user)}`),
      );
      remove.addEventListener('click', () => actions.remove(user, tenant));
      row.append(h('td', { class: 'actions' }, change, ' ', remove));
    }
    return row;
  });
  return h(
    'table',
    { class: 'users' },
    h('caption', { class: 'visually-hidden' }, `Users of the account from ${tenant.organization}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...titles.map((title) => h('th', { scope: 'col' }, title)),
        manageable && h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

/**
 * Partner Center's "Add users": search the tenant's directory, pick people, give them one set of roles. Each
 * search signs in again in the pop-up: its token lives for that search only.
 */
function addUsersForm(
  view: UsersView,
  tenant: TenantUsers,
  index: number,
  actions: UsersActions,
): HTMLElement {
  const search = view.managing?.tenantId === tenant.tenantId ? view.managing.search : undefined;
  const inputId = `search-${index}`;
  const input = h('input', {
    id: inputId,
    name: 'query',
    type: 'search',
    maxlength: String(view.searchLength),
    required: true,
    autocomplete: 'off',
    value: search?.query,
  });
  const form = h(
    'form',
    { class: 'add-users', 'data-add-to': tenant.tenantId, 'aria-labelledby': `add-heading-${index}` },
    h('h3', { id: `add-heading-${index}` }, `Add users from ${tenant.organization}`),
    h(
      'p',
      { class: 'subtle' },
      `Search its directory by name or e-mail. Each search signs you in to ${tenant.organization} in a pop-up, as ` +
        'one of its users who is a Manager; the search runs with that sign-in, which is not kept.',
    ),
    h(
      'p',
      { class: 'search' },
      h('label', { for: inputId }, 'Name or e-mail'),
      ' ',
      input,
      ' ',
      h('button', { type: 'submit', class: 'primary' }, `Search ${tenant.organization}`),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (query) actions.signIn(tenant, query);
  });
  if (search) form.append(...searchResults(view, tenant, search, index, actions));
  return form;
}

function searchResults(
  view: UsersView,
  tenant: TenantUsers,
  search: NonNullable<Managing['search']>,
  index: number,
  actions: UsersActions,
): Node[] {
  if (search.results.length === 0) {
    return [
      h(
        'p',
        { class: 'found', tabindex: '-1' },
        `Nobody in ${tenant.organization} matches “${search.query}”.`,
      ),
    ];
  }
  const people = search.results.map((person) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'checkbox', name: 'user', value: person.objectId, disabled: Boolean(person.roles) }),
      ` ${person.displayName} `,
      h('span', { class: 'subtle' }, person.userPrincipalName),
      person.roles && h('span', { class: 'subtle' }, ` (already a user: ${person.roles.join(', ')})`),
    ),
  );
  const found = h(
    'fieldset',
    { class: 'found', tabindex: '-1' },
    h('legend', {}, `People in ${tenant.organization} matching “${search.query}”`),
    ...people,
  );
  const roles = h(
    'fieldset',
    { class: 'roles' },
    h('legend', {}, 'Roles for the people you pick'),
    ...view.roles.map((role) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'checkbox', name: 'role', value: role }),
        ` ${role}`,
      ),
    ),
  );
  const add = h(
    'button',
    { type: 'button', class: 'primary', 'data-add-users': String(index) },
    `Add to ${view.account}`,
  );
  add.addEventListener('click', () => {
    const checked = (box: HTMLElement, name: string) =>
      [...box.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
    actions.add(tenant, checked(found, 'user'), checked(roles, 'role'));
  });
  return [
    found,
    search.more
      ? h(
          'p',
          { class: 'subtle' },
          'More people match: type more of the name or e-mail to narrow the search.',
        )
      : '',
    roles,
    h('p', {}, add),
  ].filter((node): node is HTMLElement => node !== '');
}

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}
