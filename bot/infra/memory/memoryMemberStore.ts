import { MANAGER, type AuditEvent, type Member, type NotificationEvent, type Person } from '../../core/model';
import type { MemberChangeResult, MemberStore, MemberWrite, PersonKey } from '../../core/ports';
import { checkMemberWrite } from '../memberChanges';
import { inMemberOrder, managersIn, withManagerRole } from '../memberRoles';

export interface MemoryMemberStoreDeps {
  /** The history and the notification outbox, written in the same step as the change. */
  audit: { record(event: AuditEvent): void };
  outbox: { append(event: NotificationEvent): void };
}

/** The same contract as RedisMemberStore; no await inside a change keeps it atomic. */
export class MemoryMemberStore implements MemberStore {
  private readonly members = new Map<string, string>();

  constructor(private readonly deps: MemoryMemberStoreDeps) {}

  async get(accountId: string, person: PersonKey): Promise<Member | undefined> {
    return this.find(accountId, person);
  }

  async put(member: Member): Promise<void> {
    this.members.set(memberKey(member.accountId, member), JSON.stringify(member));
  }

  async name(accountId: string, person: Person): Promise<void> {
    const current = this.find(accountId, person);
    if (current && !current.displayName && person.displayName) {
      this.members.set(
        memberKey(accountId, person),
        JSON.stringify({ ...current, displayName: person.displayName }),
      );
    }
  }

  async ensureManagers(accountId: string, people: Person[]): Promise<void> {
    for (const person of people) {
      const updated = withManagerRole(this.find(accountId, person), accountId, person);
      if (updated) this.members.set(memberKey(accountId, person), JSON.stringify(updated));
    }
  }

  async list(accountId: string): Promise<Member[]> {
    return inMemberOrder(this.all(accountId));
  }

  async listManagers(accountId: string): Promise<Member[]> {
    return managersIn(this.all(accountId));
  }

  async add(accountId: string, writes: MemberWrite[]): Promise<{ added: Member[]; existing: Member[] }> {
    writes.forEach((w) => checkMemberWrite(accountId, w));
    const added: Member[] = [];
    const existing: Member[] = [];
    for (const write of writes) {
      const current = this.find(accountId, write.member);
      if (current) {
        existing.push(current);
        continue;
      }
      this.members.set(memberKey(accountId, write.member), JSON.stringify(write.member));
      this.record(write.audit, write.notify);
      added.push(write.member);
    }
    return { added, existing };
  }

  async setRoles(accountId: string, write: MemberWrite): Promise<MemberChangeResult> {
    checkMemberWrite(accountId, write);
    return this.change(accountId, write.member, write.member, write.audit, write.notify);
  }

  async remove(
    accountId: string,
    person: PersonKey,
    audit: AuditEvent,
    notify?: NotificationEvent,
  ): Promise<MemberChangeResult> {
    return this.change(accountId, person, undefined, audit, notify);
  }

  private change(
    accountId: string,
    person: PersonKey,
    after: Member | undefined,
    audit: AuditEvent,
    notify: NotificationEvent | undefined,
  ): MemberChangeResult {
    const before = this.find(accountId, person);
    if (!before) return { ok: false, reason: 'notMember' };
    const losesManager = before.roles.includes(MANAGER) && !after?.roles.includes(MANAGER);
    if (losesManager && managersIn(this.all(accountId)).length <= 1)
      return { ok: false, reason: 'lastManager' };
    const key = memberKey(accountId, person);
    if (after) this.members.set(key, JSON.stringify(after));
    else this.members.delete(key);
    this.record(audit, notify);
    return { ok: true, before };
  }

  /** For a tenant's removal (MemoryRequestStore): its account users go, and are returned. */
  removeTenant(accountId: string, tenantId: string): Member[] {
    const removed = this.all(accountId).filter((m) => m.tenantId === tenantId);
    for (const member of removed) this.members.delete(memberKey(accountId, member));
    return removed;
  }

  /** For R11 (MemoryRequestStore): the tenant's first account user, unless already one. */
  addIfAbsent(member: Member): boolean {
    if (this.find(member.accountId, member)) return false;
    this.members.set(memberKey(member.accountId, member), JSON.stringify(member));
    return true;
  }

  private record(audit: AuditEvent, notify: NotificationEvent | undefined): void {
    this.deps.audit.record(audit);
    if (notify) this.deps.outbox.append(notify);
  }

  private all(accountId: string): Member[] {
    return [...this.members.values()]
      .map((json) => JSON.parse(json) as Member)
      .filter((m) => m.accountId === accountId);
  }

  private find(accountId: string, person: PersonKey): Member | undefined {
    const json = this.members.get(memberKey(accountId, person));
    return json === undefined ? undefined : (JSON.parse(json) as Member);
  }
}

function memberKey(accountId: string, person: PersonKey): string {
  return JSON.stringify([accountId, person.tenantId, person.objectId]);
}
