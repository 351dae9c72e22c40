import { h, localTime, paragraphs } from './dom';

export interface Tenant {
  tenantId: string;
  /** The tenant of the viewer's own Teams identity. */
  own: boolean;
  organization: string;
  defaultDomain: string;
  otherDomains: string[];
  associatedAt: string;
  associatedBy: string;
  approvedBy?: string;
}

export interface Pending {
  requestId: string;
  kind: 'associate' | 'remove';
  organization: string;
  defaultDomain: string;
  tenantId: string;
  waitingFor: string;
  requestedBy: string;
  where: string;
  createdAt: string;
  expiresAt: string;
  reviewHere: boolean;
}

export interface Overview {
  account: string;
  viewer: { displayName: string; canAssociate: boolean; canRemove: boolean };
  tenants: Tenant[];
  pending: Pending[];
}

export interface OverviewActions {
  associate(): void;
  remove(tenantId: string): void;
  review(requestId: string): void;
}

/** Partner Center's Account settings > Tenants page: the associated tenants, then the pending requests. */
export function overviewView(overview: Overview, actions: OverviewActions): HTMLElement {
  const section = h(
    'section',
    { 'aria-labelledby': 'tenants-heading' },
    h('h2', { id: 'tenants-heading' }, `Tenants associated with ${overview.account}`),
    overview.tenants.length === 0
      ? h('p', {}, 'No Microsoft Entra ID tenant is associated with the account yet.')
      : tenantsTable(overview.tenants, overview.viewer.canRemove ? actions : undefined),
  );
  if (overview.viewer.canAssociate) {
    const button = h(
      'button',
      { type: 'button', class: 'primary', id: 'associate' },
      'Associate another Azure AD tenant',
    );
    button.addEventListener('click', () => actions.associate());
    section.append(h('p', {}, button));
  } else {
    section.append(
      paragraphs(
        `Only users with the **Manager** role in ${overview.account} can associate a tenant. Ask one of its Managers.`,
      ),
    );
  }
  const pending = h(
    'section',
    { 'aria-labelledby': 'pending-heading' },
    h('h2', { id: 'pending-heading' }, 'Pending requests'),
    overview.pending.length === 0
      ? h('p', {}, 'No request is waiting.')
      : pendingList(overview.pending, actions),
  );
  return h('div', {}, section, pending);
}

/** With `actions`, each tenant has Remove: the server decides (R12), and says why when it will not. */
function tenantsTable(tenants: Tenant[], actions?: OverviewActions): HTMLElement {
  const rows = tenants.map((t) => {
    const row = h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row', 'data-label': 'Organization' },
        t.organization,
        t.own && ' ',
        t.own && h('span', { class: 'badge' }, 'your tenant'),
      ),
      h('td', { 'data-label': 'Default domain' }, t.defaultDomain),
      h('td', { 'data-label': 'Other domains' }, t.otherDomains.join(', ') || 'None'),
      h('td', { 'data-label': 'Tenant ID', class: 'id' }, t.tenantId),
      h(
        'td',
        { 'data-label': 'Associated' },
        `${localTime(t.associatedAt)} by ${t.associatedBy}${t.approvedBy ? `, approved by ${t.approvedBy}` : ''}`,
      ),
    );
    if (actions) {
      const remove = h(
        'button',
        { type: 'button', class: 'remove', 'data-remove': t.tenantId },
        'Remove',
        h('span', { class: 'visually-hidden' }, ` ${t.organization}`),
      );
      remove.addEventListener('click', () => actions.remove(t.tenantId));
      row.append(h('td', { class: 'actions' }, remove));
    }
    return row;
  });
  const titles = ['Organization', 'Default domain', 'Other domains', 'Tenant ID', 'Associated'];
  return h(
    'table',
    { class: 'tenants' },
    h('caption', { class: 'visually-hidden' }, 'Associated tenants'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...titles.map((title) => h('th', { scope: 'col' }, title)),
        actions && h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

function pendingList(pending: Pending[], actions: OverviewActions): HTMLElement {
  return h(
    'ul',
    { class: 'pending' },
    ...pending.map((p) => {
      const item = h(
        'li',
        {},
        h('strong', {}, `${p.kind === 'remove' ? 'Removing ' : ''}${p.organization} (${p.defaultDomain})`),
        h(
          'span',
          {},
          ` — waiting for ${p.waitingFor.toLowerCase()}. Asked by ${p.requestedBy} in a ${p.where.toLowerCase()}, ${localTime(p.createdAt)}; expires ${localTime(p.expiresAt)}.`,
        ),
      );
      if (p.reviewHere) {
        const button = h(
          'button',
          { type: 'button' },
          `Review ${p.kind === 'remove' ? 'the removal of ' : ''}${p.organization}`,
        );
        button.addEventListener('click', () => actions.review(p.requestId));
        item.append(' ', button);
      }
      return item;
    }),
  );
}
