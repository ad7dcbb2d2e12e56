/**
 * The starter configuration `baton init` writes: a draft agreement (placeholder owners, no
 * approvals), fields.yaml over the standard HubSpot and Salesforce objects (standard picklist
 * values only, so a new org passes `baton doctor` once `baton setup` ran), and routing.yaml
 * commented out. Comments say what each team has to decide.
 */

export const AGREEMENT_YAML = `# The service-level agreement between marketing and sales, in one file both teams sign.
# DECIDE: the name, who owns it on each side, and when each side approved this version.
# Nothing goes live until both owners have an "approved" date: \`baton serve\` refuses a draft.
name: Our lead handoff
version: 1
owners:
  marketing: { name: "<marketing owner>", email: "<marketing-owner@your-company.example>" }   # add: approved: YYYY-MM-DD
  sales:     { name: "<sales owner>", email: "<sales-owner@your-company.example>" }           # add: approved: YYYY-MM-DD

score:
  fit:                       # DECIDE: who is a good customer (the person's fields, from fields.yaml)
    max: 100
    rules:
      - id: big-company
        if: { field: person.employees, gte: 200 }
        add: 30
      - id: senior-title
        if: { field: person.title, matches: "(?i)\\\\b(vp|director|head|chief)\\\\b" }
        add: 20
  engagement:                # DECIDE: which actions count, and how fast they fade (half_life)
    max: 100
    half_life: 30d
    rules:
      - id: any-form
        on: form_submission
        add: 20
      - id: email-click
        on: email_click
        add: 3
        cap: 15

stages:
  mql:                       # DECIDE: when marketing hands a person to sales
    all:
      - { score: fit, gte: 40 }
      - { score: engagement, gte: 30 }
  sql:                       # DECIDE: when sales says the person is a real opportunity
    any:
      - { field: deal.stage, in: [discovery, proposal] }

sla:
  accept_within: 24h         # DECIDE: how long sales has to answer a new MQL
  # business_hours: { tz: America/New_York, days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
  on_breach: escalate        # escalate (a Task for the owner's manager), reassign (needs routing.yaml) or none

recycle:                     # DECIDE: the reasons a rep may give to send a person back, and the pause after
  reasons: [no_budget, bad_timing, no_response, wrong_contact]
  hold: 60d
  reset_engagement: true

attribution:
  default_model: w_shaped    # first_touch, last_touch, linear, u_shaped, w_shaped or time_decay
  lookback: 365d
`;

export const FIELDS_YAML = `# How a person and a deal look in HubSpot and in Salesforce, and which side wins each field.
# Every name here must exist in your portal and org: \`baton doctor\` checks them, and
# \`baton setup hubspot|salesforce\` creates the baton_* properties and Baton_*__c fields.
person:                       # HubSpot contact <-> Salesforce Lead (then Contact once converted)
  match_on: email
  create_in_salesforce: mql   # DECIDE: at which stage a HubSpot-only person becomes a Lead (or: never)
  fields:                     # DECIDE: the sync rule of each field (two_way, salesforce_wins, hubspot_to_salesforce, ...)
    email:        { hubspot: email,     salesforce: Email,     sync: two_way }
    first_name:   { hubspot: firstname, salesforce: FirstName, sync: two_way }
    last_name:    { hubspot: lastname,  salesforce: LastName,  sync: two_way, default: "[not provided]" }
    company_name: { hubspot: company,   salesforce: Company,   sync: prefer_salesforce_unless_blank, default: "[not provided]" }
    title:        { hubspot: jobtitle,  salesforce: Title,     sync: prefer_salesforce_unless_blank }
    employees:    { hubspot: company.numberofemployees, salesforce: NumberOfEmployees, type: number, sync: hubspot_to_salesforce }
    country:      { hubspot: country,   salesforce: Country,   sync: two_way }
    lead_status:              # DECIDE: how your Lead Status values read in HubSpot (standard values below)
      hubspot: hs_lead_status
      salesforce: Status
      sync: salesforce_wins
      values:
        New:       { hubspot: NEW,         salesforce: Open - Not Contacted }
        Working:   { hubspot: IN_PROGRESS, salesforce: Working - Contacted }
        Rejected:  { hubspot: UNQUALIFIED, salesforce: Closed - Not Converted }

deal:                         # HubSpot deal <-> Salesforce Opportunity (standard stages)
  fields:
    name:       { hubspot: dealname,  salesforce: Name,      sync: salesforce_wins }
    amount:     { hubspot: amount,    salesforce: Amount,    type: number, sync: salesforce_wins }
    close_date: { hubspot: closedate, salesforce: CloseDate, type: date, sync: salesforce_wins }
    stage:
      hubspot: dealstage
      salesforce: StageName
      sync: salesforce_wins
      values:
        discovery: { hubspot: appointmentscheduled,  salesforce: Qualification }
        proposal:  { hubspot: presentationscheduled, salesforce: Proposal/Price Quote }
        won:       { hubspot: closedwon,  salesforce: Closed Won }
        lost:      { hubspot: closedlost, salesforce: Closed Lost }

feedback:                     # DECIDE: how a rep accepts or rejects a person inside Salesforce
  accept: { field: person.lead_status, in: [Working] }
  reject: { field: person.lead_status, eq: Rejected, reason: { salesforce: Baton_Reject_Reason__c } }

writeback:                    # where the handoff shows up for people (Baton creates these fields)
  hubspot:
    contact:
      baton_stage: "{{stage}}"
      baton_fit_score: "{{scores.fit}}"
      baton_engagement_score: "{{scores.engagement}}"
      baton_reason: "{{reason}}"
    lifecyclestage: true      # also move HubSpot's lifecycle stage
  salesforce:
    person:
      Baton_Stage__c: "{{stage}}"
      Baton_Fit_Score__c: "{{scores.fit}}"
      Baton_Engagement_Score__c: "{{scores.engagement}}"
      Baton_Reason__c: "{{reason}}"
      Baton_SLA_Due__c: "{{sla.due}}"
    task:                     # one Task for the owner when a person becomes MQL
      on: mql
      subject: "New MQL: {{person.first_name}} {{person.last_name}} ({{person.company_name}})"
      due: sla
    campaign_influence: false # DECIDE: credit won deals to campaigns (needs Customizable Campaign Influence)
`;

export const ROUTING_YAML = `# Routing is off: new Leads are placed by your org's own active Lead assignment rule.
# DECIDE: whether Baton should choose the owner instead. To turn it on, uncomment and adapt
# (the rules are read top to bottom; the first whose "if" holds assigns):
#
# match_accounts:              # a person whose company is already an Account goes to its owner
#   by: [email_domain, company_name]
#   ignore_domains: [gmail.com, yahoo.com, outlook.com, hotmail.com]
#   owner: account_owner
#   create: contact
#
# rules:
#   - id: enterprise
#     if: { field: person.employees, gte: 1000 }
#     assign: { round_robin: [ae1@your-company.example, ae2@your-company.example] }
#
# fallback: { round_robin: [sdr1@your-company.example, sdr2@your-company.example] }
# skip_inactive: true          # inactive Salesforce users are passed over
# cap_per_day: 25              # nobody gets more than this many a day
#
# \`baton validate\` checks it; \`baton simulate --leads FILE --routing routing.yaml\` shows who would get whom.
`;
