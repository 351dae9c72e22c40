import type { Member, Person } from '../../core/model';
import type { MemberStore } from '../../core/ports';
import { managersIn, withManagerRole } from '../memberRoles';

type PersonKey = Pick<Person, 'tenantId' | 'objectId'>;

export class MemoryMemberStore implements MemberStore {
  private readonly members = new Map<string, string>();

  async get(accountId: string, person: PersonKey): Promise<Member | undefined> {
    return this.find(accountId, person);
  }

  async put(member: Member): Promise<void> {
    this.members.set(memberKey(member.accountId, member), JSON.stringify(member));
  }

  async ensureManagers(accountId: string, people: Person[]): Promise<void> {
    // No await inside: each read-modify-write completes before another call can interleave.
    for (const person of people) {
      const updated = withManagerRole(this.find(accountId, person), accountId, person);
      if (updated) this.members.set(memberKey(accountId, person), JSON.stringify(updated));
    }
  }

  async listManagers(accountId: string): Promise<Member[]> {
    const members = [...this.members.values()].map((json) => JSON.parse(json) as Member);
    return managersIn(members.filter((m) => m.accountId === accountId));
  }

  private find(accountId: string, person: PersonKey): Member | undefined {
    const json = this.members.get(memberKey(accountId, person));
    return json === undefined ? undefined : (JSON.parse(json) as Member);
  }
}

function memberKey(accountId: string, person: PersonKey): string {
  return JSON.stringify([accountId, person.tenantId, person.objectId]);
}
