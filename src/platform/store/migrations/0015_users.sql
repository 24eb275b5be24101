-- Console users, their sessions, one-time links (invitations and password resets) and the
-- audit log (docs/users.md). Secrets are never stored: sessions and links keep a sha256 of
-- their token (256 random bits, so a fast hash suffices and lets us look them up), and
-- passwords an argon2id hash.

create table users (
  id text primary key,
  merchant_id text not null references merchants(id),
  -- Lower-cased and NFKC-normalized by the application: one person, one account, across
  -- the whole installation (a login names no merchant).
  email text not null unique check (length(email) between 3 and 254),
  name text check (name is null or length(name) between 1 and 200),
  role text not null check (role in ('owner', 'admin', 'agent')),
  -- null until the invitation is accepted (or a password is set from the CLI)
  password_hash text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index users_merchant on users (merchant_id, id);

create table user_sessions (
  id text primary key,
  user_id text not null references users(id) on delete cascade,
  merchant_id text not null references merchants(id),
  token_hash text not null unique,
  created_at timestamptz not null,
  -- idle expiry counts from here (moved at most once a minute)
  last_seen_at timestamptz not null,
  -- absolute expiry
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  address text,
  user_agent text
);
create index user_sessions_user on user_sessions (user_id, id);

create table user_links (
  id text primary key,
  user_id text not null references users(id) on delete cascade,
  merchant_id text not null references merchants(id),
  kind text not null check (kind in ('invitation', 'reset')),
  token_hash text not null unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index user_links_user on user_links (user_id, id);

-- Security-relevant changes, for the merchant's owner (GET /v1/audit-log); never sent to
-- webhook endpoints. Written in the transaction of the change it records.
create table audit_log (
  id text primary key,
  -- null for a failed login with an email nobody has (kept for the operator, shown to no merchant)
  merchant_id text references merchants(id),
  type text not null,
  -- usr_…, key_…, or cli:<operator>; null when nobody is signed in (a failed login)
  actor text,
  address text,
  -- what it is about (usr_…, key_…, prd_…, a provider name)
  subject text,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null
);
create index audit_log_merchant on audit_log (merchant_id, id);
