/** Lead conversion in the fake org, as Salesforce does it: an Account, a Contact and (unless told not to) an Opportunity with its contact role. */
import { sfDateTime, type SRecord } from './records.ts';

/** What a conversion does in the org: reads the Lead, inserts the new records, marks the Lead converted. */
export interface ConvertingOrg {
  now: () => Date;
  table(object: string): Map<string, SRecord>;
  insert(object: string, fields: Record<string, unknown>, opts?: { at?: Date; by?: string }): SRecord;
  touch(id: string, fields: Record<string, unknown>, by: string): SRecord;
}

export interface ConvertOptions {
  /** Values of the Opportunity, or false for none. */
  opportunity?: Record<string, unknown> | false;
  /** Who converts (the Lead's owner by default). */
  by?: string;
}

export interface Converted {
  accountId: string;
  contactId: string;
  opportunityId: string | null;
}

/** Converts a Lead as Salesforce does: an Account, a Contact and (unless told not to) an Opportunity. */
export function convertLead(org: ConvertingOrg, leadId: string, opts: ConvertOptions = {}): Converted {
  const lead = org.table('Lead').get(leadId);
  if (!lead) throw new Error(`no lead ${leadId}`);
  const by = opts.by ?? (lead.OwnerId as string);
  const account = org.insert(
    'Account',
    { Name: lead.Company, OwnerId: lead.OwnerId, NumberOfEmployees: lead.NumberOfEmployees },
    { by },
  );
  const carried = Object.fromEntries(Object.entries(lead).filter(([k]) => k.startsWith('Baton_')));
  const contact = org.insert(
    'Contact',
    {
      FirstName: lead.FirstName,
      LastName: lead.LastName,
      Email: lead.Email,
      Title: lead.Title,
      MailingCountry: lead.Country,
      AccountId: account.Id,
      OwnerId: lead.OwnerId,
      ...carried,
    },
    { by },
  );
  let oppId: string | null = null;
  if (opts.opportunity !== false) {
    const closeDate = sfDateTime(org.now()).slice(0, 10);
    const opp = org.insert(
      'Opportunity',
      {
        Name: `${String(lead.Company)}-`,
        StageName: 'Qualification',
        CloseDate: closeDate,
        AccountId: account.Id,
        OwnerId: lead.OwnerId,
        IsWon: false,
        IsClosed: false,
        ...(opts.opportunity ?? {}),
      },
      { by },
    );
    oppId = opp.Id;
    org.insert(
      'OpportunityContactRole',
      { OpportunityId: opp.Id, ContactId: contact.Id, IsPrimary: true, Role: 'Decision Maker' },
      { by },
    );
  }
  org.touch(
    leadId,
    {
      IsConverted: true,
      Status: 'Closed - Converted',
      ConvertedDate: sfDateTime(org.now()).slice(0, 10),
      ConvertedAccountId: account.Id,
      ConvertedContactId: contact.Id,
      ConvertedOpportunityId: oppId,
    },
    by,
  );
  return { accountId: account.Id, contactId: contact.Id, opportunityId: oppId };
}
