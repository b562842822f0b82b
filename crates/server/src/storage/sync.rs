//! The write path of `POST /api/v1/sync`: citizens' actions checked by
//! core's rules and stored, with the counters results read kept up to date
//! in the same transaction.
//!
//! Many requests are recorded in one transaction ([`record`]): one durable
//! write for all of them. Each action is stored once, as one row of
//! `actions`, keyed by its consultation, its participant and its id: a
//! batch sent twice finds its actions among the participant's rows and
//! counts them once (an action is another device's own when another device
//! sends the same id). The participant's rows are all sync needs to know:
//! whether the action came before, which ballot stands on the item (the one
//! cast last, by the device's clock; a newer one replaces it), and whether
//! the participant is counted yet.
//!
//! Counters (tallies, ballots per item, participants, participation per
//! day) move in memory while the requests are checked and are written once
//! per transaction, in a fixed order, so that two PostgreSQL writers
//! never wait for each other in a circle. With PostgreSQL, each
//! participant's actions are also serialized across servers by a
//! transaction-scoped advisory lock, taken for all of a transaction's
//! participants at once, in order; SQLite has one writer anyway.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use baraza_core::ballot::{tally_keys, useful_key, Ballot};
use baraza_core::definition::Eligibility;
use baraza_core::paper::{Channel, PaperBallot};
use baraza_core::sync::{
    admit, Action, ActionKind, ActionResult, ActionStatus, ReactionValue, RejectCode, Rejection, SyncRequest,
};
use baraza_core::{codes, count};
use sha2::{Digest, Sha256};
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

use super::codes::{redeem, Redemption};
use super::consultations::{definition, Definition, Read};
use super::{day, millis, on, stored_time, to_millisecond, Participant, Store, StoreError, Tx};
use crate::receipts::{hex, ReceiptKey};

/// A sync request as the server received it, at `at`: the deadline rule
/// and the day it counts on go by this time, however long it waited to be
/// written. Its actions are read and signed when it arrives ([`Received::new`]),
/// so that the writer, which all requests share, only checks and stores.
#[derive(Debug)]
pub struct Received {
    participant: Uuid,
    code: Option<String>,
    at: OffsetDateTime,
    /// Online for a phone's sync; paper for a paper ballot a clerk entered.
    channel: Channel,
    actions: Vec<Result<Signed, ActionResult>>,
}

/// An action as it is stored and signed: core's reading of it, its cast
/// time taken to the millisecond in UTC; the receipt of that; and what its
/// row stores besides the columns every action has ([`content`]).
#[derive(Debug)]
struct Signed {
    action: Action,
    receipt: [u8; 8],
    content: Option<String>,
}

impl Received {
    pub fn new(request: SyncRequest, at: OffsetDateTime, key: &ReceiptKey) -> Received {
        let actions = request
            .actions
            .iter()
            .map(|raw| {
                let mut action =
                    Action::parse(raw, at).map_err(|(id, rejection)| ActionResult::rejected(id, rejection))?;
                if let ActionKind::Ballot { cast_at: Some(cast_at), .. } = &mut action.kind {
                    *cast_at = to_millisecond(*cast_at).ok_or_else(|| {
                        let rejection = Rejection::new(RejectCode::InvalidAction, "cast_at cannot be stored");
                        ActionResult::rejected(action.id.to_string(), rejection)
                    })?;
                }
                Ok(Signed { content: content(&action.kind), receipt: sign(key, &action), action })
            })
            .collect();
        Received { participant: request.participant, code: request.code, at, channel: Channel::Online, actions }
    }

    /// A paper ballot a clerk entered, received at `at`: its answers are
    /// read, signed and counted as a phone's, and stored as come on paper;
    /// anything but a ballot is refused (core's `Channel::admits`).
    pub fn paper(ballot: PaperBallot, at: OffsetDateTime, key: &ReceiptKey) -> Received {
        let request = SyncRequest { participant: ballot.participant, code: ballot.code, actions: ballot.actions };
        let mut received = Received { channel: Channel::Paper, ..Received::new(request, at, key) };
        for action in &mut received.actions {
            if let Ok(signed) = action {
                if let Err(rejection) = Channel::Paper.admits(&signed.action.kind) {
                    *action = Err(ActionResult::rejected(signed.action.id.to_string(), rejection));
                }
            }
        }
        received
    }

    /// How many actions the request holds.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The kind of each action, as metrics name it: `unreadable` for one
    /// that could not be read as an action.
    pub(crate) fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.actions.iter().map(|action| match action {
            Ok(signed) => Kind::of(&signed.action.kind).name(),
            Err(_) => "unreadable",
        })
    }
}

/// The receipt of `action`: the server's signature of its text as stored.
fn sign(key: &ReceiptKey, action: &Action) -> [u8; 8] {
    let payload = serde_json::to_string(action).expect("an action always serializes");
    key.receipt(&action.id.to_string(), &payload)
}

/// Whether `signed` is the action `earlier` stored under the same id by the
/// same participant — a batch sent again — rather than another action
/// under a used id: it signs to the same receipt once given the stored cast
/// time (a clock running ahead is read as the arrival time, which is later
/// on each retry; the ballot is the same).
fn sent_again(key: &ReceiptKey, signed: &Signed, earlier: &Row) -> Result<bool, StoreError> {
    let mut action = signed.action.clone();
    if let ActionKind::Ballot { cast_at, .. } = &mut action.kind {
        let of = || format!("the cast time of action {}", hex(&earlier.id));
        *cast_at = earlier.cast_at.map(|at| stored_time(at, of)).transpose()?;
    }
    Ok(sign(key, &action).as_slice() == earlier.receipt.as_slice())
}

/// How often a transaction that PostgreSQL broke off (two servers' writers
/// in a deadlock, or both writing one row first) is tried again.
const ATTEMPTS: usize = 5;

/// Records `requests` in one write transaction and answers each its
/// results, one per action in order.
pub async fn record(store: &Store, requests: &[Received]) -> Result<Vec<Vec<ActionResult>>, StoreError> {
    let mut attempt = 1;
    loop {
        let mut tx = store.begin_write().await?;
        match record_in(store, &mut tx, requests).await {
            Ok(results) => {
                tx.commit().await?;
                return Ok(results);
            }
            Err(error) if error.is_transient() && attempt < ATTEMPTS => attempt += 1,
            Err(error) => return Err(error),
        }
    }
}

/// Records `requests` in `tx`, which the caller commits.
async fn record_in(store: &Store, tx: &mut Tx, requests: &[Received]) -> Result<Vec<Vec<ActionResult>>, StoreError> {
    let mut group = Group::new(store);
    group.prepare(tx, requests).await?;
    let mut results = Vec::with_capacity(requests.len());
    for received in requests {
        let mut answers = Vec::with_capacity(received.actions.len());
        for action in &received.actions {
            answers.push(match action {
                Ok(signed) => group.record(tx, received, signed).await?,
                Err(rejected) => rejected.clone(),
            });
        }
        results.push(answers);
    }
    group.flush(tx).await?;
    Ok(results)
}

/// What each kind of action is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ballot = 0,
    Feedback = 1,
    Comment = 2,
    Reaction = 3,
    /// "About you" answers: the newest stands, one per participant.
    Profile = 4,
}

impl Kind {
    pub(crate) fn of(action: &ActionKind) -> Kind {
        match action {
            ActionKind::Ballot { .. } => Kind::Ballot,
            ActionKind::Feedback { .. } => Kind::Feedback,
            ActionKind::Comment { .. } => Kind::Comment,
            ActionKind::Reaction { .. } => Kind::Reaction,
            ActionKind::Profile { .. } => Kind::Profile,
        }
    }

    pub(crate) fn from_stored(kind: i16) -> Result<Kind, StoreError> {
        match kind {
            0 => Ok(Kind::Ballot),
            1 => Ok(Kind::Feedback),
            2 => Ok(Kind::Comment),
            3 => Ok(Kind::Reaction),
            4 => Ok(Kind::Profile),
            other => Err(StoreError::unreadable(format!("an action of kind {other}"))),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Ballot => "ballot",
            Kind::Feedback => "feedback",
            Kind::Comment => "comment",
            Kind::Reaction => "reaction",
            Kind::Profile => "profile",
        }
    }

    /// Ballots and useful-marks stand, one per participant per item, and
    /// count the participant in; profile answers stand too (one set per
    /// participant) but alone are no participation.
    fn stands(self) -> bool {
        matches!(self, Kind::Ballot | Kind::Feedback)
    }
}

/// What an action stores besides the columns every action has: the
/// ballot's JSON, `true` or `false` for a useful-mark, the comment and the
/// value for a reaction, the answers' JSON for profile answers; nothing for
/// a comment, whose text is in `comments`.
pub(crate) fn content(action: &ActionKind) -> Option<String> {
    match action {
        ActionKind::Ballot { ballot, .. } => Some(serde_json::to_string(ballot).expect("a ballot always serializes")),
        ActionKind::Feedback { useful, .. } => Some(useful.to_string()),
        ActionKind::Reaction { comment, value } => {
            Some(serde_json::json!({ "comment": comment, "value": value }).to_string())
        }
        ActionKind::Profile { answers } => Some(serde_json::to_string(answers).expect("answers always serialize")),
        ActionKind::Comment { .. } => None,
    }
}

/// One of a participant's actions in a consultation, as stored or about to be.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: Vec<u8>,
    kind: i16,
    item: Option<i64>,
    standing: Option<bool>,
    content: Option<String>,
    cast_at: Option<i64>,
    received_at: i64,
    receipt: Vec<u8>,
    /// How it came ([`stored_channel`]).
    channel: Option<i16>,
}

/// A channel as `actions.channel` stores it: NULL online, so that a phone's
/// ballot spends no byte on it; 1 on paper.
fn stored_channel(channel: Channel) -> Option<i16> {
    match channel {
        Channel::Online => None,
        Channel::Paper => Some(1),
    }
}

impl Row {
    /// When it counts as cast: by the device's clock, else on arrival.
    fn cast(&self) -> i64 {
        self.cast_at.unwrap_or(self.received_at)
    }

    /// What the ballot is counted as in its item's profile, as stored
    /// there: core's `count::counted_as`, as JSON.
    fn counted_as(&self) -> Result<String, StoreError> {
        let unreadable = || StoreError::unreadable(format!("the content of action {}", hex(&self.id)));
        let ballot: Ballot =
            serde_json::from_str(self.content.as_deref().ok_or_else(unreadable)?).map_err(|_| unreadable())?;
        let counted = count::counted_as(&ballot).ok_or_else(unreadable)?;
        Ok(serde_json::to_string(&counted).expect("strings always serialize"))
    }

    /// The tally counters this ballot or useful-mark moves.
    fn tally_keys(&self) -> Result<Vec<String>, StoreError> {
        let unreadable = || StoreError::unreadable(format!("the content of action {}", hex(&self.id)));
        let content = self.content.as_deref().ok_or_else(unreadable)?;
        match Kind::from_stored(self.kind)? {
            Kind::Ballot => Ok(tally_keys(&serde_json::from_str::<Ballot>(content).map_err(|_| unreadable())?)),
            Kind::Feedback => Ok(vec![useful_key(content.parse().map_err(|_| unreadable())?).to_owned()]),
            Kind::Comment | Kind::Reaction | Kind::Profile => Err(unreadable()),
        }
    }
}

/// A participant's rows in one consultation, and what this transaction
/// changes of them.
#[derive(Debug, Default)]
struct Rows {
    rows: Vec<Row>,
    /// How many of `rows` (the first ones) were stored before.
    stored: usize,
    /// The ids of stored rows that no longer stand.
    replaced: Vec<Vec<u8>>,
}

/// A new comment.
struct NewComment {
    id: Uuid,
    consultation: i64,
    item: Option<String>,
    reply_to: Option<Uuid>,
    participant: Uuid,
    body: String,
    language: String,
    created_at: i64,
}

/// The counters one transaction moves, written once when it ends.
#[derive(Default)]
struct Counters {
    /// Per item that has had a ballot stored or replaced, whose version
    /// therefore moves: what changes of its counts.
    items: BTreeMap<i64, ItemChange>,
    tallies: BTreeMap<(i64, String), i64>,
    /// Participants counted for the first time, per consultation.
    participants: BTreeMap<i64, i64>,
    /// Per consultation and UTC day: participants counted for the first
    /// time, and actions accepted.
    days: BTreeMap<(i64, String), (i64, i64)>,
}

/// What one transaction changes of an item's counts.
#[derive(Default)]
struct ItemChange {
    /// Ballots added (a replacement adds none).
    ballots: i64,
    /// Voters added to (or taken from) each distinct ballot of a ranking or
    /// budget item ([`Row::counted_as`]).
    profile: BTreeMap<String, i64>,
}

/// The requests of one transaction: what they need read, and what they write.
struct Group<'s> {
    store: &'s Store,
    definitions: HashMap<String, Option<Arc<Definition>>>,
    participants: HashMap<(i64, Participant), Rows>,
    /// Whom the ids of these requests' actions belong to, per consultation:
    /// the participant who stored or staged an action under the id first.
    owners: HashMap<(i64, Uuid), Participant>,
    /// Comments known to exist, with their consultation.
    comments: HashMap<Uuid, (i64, Uuid)>,
    new_comments: Vec<NewComment>,
    reactions: Vec<(Uuid, Uuid, ReactionValue)>,
    counters: Counters,
}

impl<'s> Group<'s> {
    fn new(store: &'s Store) -> Self {
        Group {
            store,
            definitions: HashMap::new(),
            participants: HashMap::new(),
            owners: HashMap::new(),
            comments: HashMap::new(),
            new_comments: Vec::new(),
            reactions: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// Reads at once what the requests will need: their consultations'
    /// definitions, their participants' rows and the comments they name.
    async fn prepare(&mut self, tx: &mut Tx, requests: &[Received]) -> Result<(), StoreError> {
        let mut wanted: Vec<(i64, Participant)> = Vec::new();
        let mut comments: HashSet<Uuid> = HashSet::new();
        let mut ids: BTreeMap<i64, Vec<Uuid>> = BTreeMap::new();
        for received in requests {
            for Signed { action, .. } in received.actions.iter().flatten() {
                let Some(definition) = self.definition(tx, &action.consultation).await? else { continue };
                ids.entry(definition.n).or_default().push(action.id);
                if let Some((participant, _)) = participant(self.store.key(), &definition, received, action) {
                    wanted.push((definition.n, participant));
                }
                match &action.kind {
                    ActionKind::Comment { reply_to, .. } => comments.extend([action.id].into_iter().chain(*reply_to)),
                    ActionKind::Reaction { comment, .. } => {
                        comments.insert(*comment);
                    }
                    _ => {}
                }
            }
        }
        wanted.sort_by_key(|(consultation, participant)| (*consultation, participant.to_bytes()));
        wanted.dedup();
        lock_participants(tx, &wanted).await?;
        self.load_participants(tx, &wanted).await?;
        self.load_owners(tx, ids).await?;
        self.load_comments(tx, comments.into_iter().collect()).await
    }

    /// Reads whom each of `ids` belongs to in its consultation, where it is
    /// stored already.
    async fn load_owners(&mut self, tx: &mut Tx, ids: BTreeMap<i64, Vec<Uuid>>) -> Result<(), StoreError> {
        for (consultation, ids) in ids {
            for chunk in ids.chunks(1000) {
                let found: Vec<(Vec<u8>, Vec<u8>)> = on!(tx, |c| {
                    let mut query = QueryBuilder::new("SELECT id, participant FROM actions WHERE consultation = ");
                    query.push_bind(consultation).push(" AND id IN ");
                    push_ids(&mut query, chunk);
                    query.build_query_as().fetch_all(c).await
                })?;
                for (id, participant) in found {
                    let id = Uuid::from_slice(&id).map_err(|_| StoreError::unreadable("an action id"))?;
                    self.owners.entry((consultation, id)).or_insert(Participant::from_bytes(&participant)?);
                }
            }
        }
        Ok(())
    }

    async fn definition(&mut self, tx: &mut Tx, id: &str) -> Result<Option<Arc<Definition>>, StoreError> {
        if let Some(known) = self.definitions.get(id) {
            return Ok(known.clone());
        }
        let read = definition(tx, &self.store.definitions, id, Read::ShareLocked).await?;
        self.definitions.insert(id.to_owned(), read.clone());
        Ok(read)
    }

    /// Reads the stored rows of each (consultation, participant): one
    /// query per consultation and thousand participants, which looks each
    /// up by the primary key.
    async fn load_participants(&mut self, tx: &mut Tx, wanted: &[(i64, Participant)]) -> Result<(), StoreError> {
        let mut by_consultation: BTreeMap<i64, Vec<&Participant>> = BTreeMap::new();
        for (consultation, participant) in wanted {
            by_consultation.entry(*consultation).or_default().push(participant);
            self.participants.entry((*consultation, participant.clone())).or_default();
        }
        for (consultation, participants) in by_consultation {
            for chunk in participants.chunks(1000) {
                let read: Vec<ParticipantRow> = on!(tx, |c| {
                    let mut query = QueryBuilder::new(
                        "SELECT consultation, participant, id, kind, item, standing, content, cast_at, received_at,
                                receipt, channel
                         FROM actions WHERE consultation = ",
                    );
                    query.push_bind(consultation).push(" AND participant IN (");
                    let mut separated = query.separated(", ");
                    for participant in chunk {
                        separated.push_bind(participant.to_bytes());
                    }
                    query.push(")");
                    query.build_query_as().fetch_all(c).await
                })?;
                for read in read {
                    let key = (read.consultation, Participant::from_bytes(&read.participant)?);
                    let rows = self.participants.entry(key).or_default();
                    // Stored rows come before the ones this transaction adds.
                    rows.rows.insert(rows.stored, read.row);
                    rows.stored += 1;
                }
            }
        }
        Ok(())
    }

    /// Reads the stored rows of one participant in one consultation, unless
    /// they were read before.
    async fn rows(&mut self, tx: &mut Tx, key: (i64, Participant)) -> Result<&mut Rows, StoreError> {
        if !self.participants.contains_key(&key) {
            self.load_participants(tx, std::slice::from_ref(&key)).await?;
        }
        // Reading a participant's rows made their entry, rows or not.
        Ok(self.participants.entry(key).or_default())
    }

    async fn load_comments(&mut self, tx: &mut Tx, ids: Vec<Uuid>) -> Result<(), StoreError> {
        for chunk in ids.chunks(1000) {
            let found: Vec<(Vec<u8>, i64, Vec<u8>)> = on!(tx, |c| {
                let mut query = QueryBuilder::new("SELECT id, consultation, participant FROM comments WHERE id IN ");
                push_ids(&mut query, chunk);
                query.build_query_as().fetch_all(c).await
            })?;
            for (id, consultation, participant) in found {
                let id = Uuid::from_slice(&id).map_err(|_| StoreError::unreadable("a comment id"))?;
                let participant = Uuid::from_slice(&participant).map_err(|_| StoreError::unreadable("a commenter"))?;
                self.comments.insert(id, (consultation, participant));
            }
        }
        Ok(())
    }

    /// Checks and stages one action; answers its result.
    async fn record(&mut self, tx: &mut Tx, received: &Received, signed: &Signed) -> Result<ActionResult, StoreError> {
        let action = &signed.action;
        let id = action.id.to_string();
        let Some(definition) = self.definition(tx, &action.consultation).await? else {
            let rejection = Rejection::new(
                RejectCode::UnknownConsultation,
                format!("there is no consultation \"{}\"", action.consultation),
            );
            return Ok(ActionResult::rejected(id, rejection));
        };
        let Some((participant, code)) = participant(self.store.key(), &definition, received, action) else {
            let rejection =
                Rejection::new(RejectCode::InvalidCode, "this is not a participation code of this consultation");
            return Ok(ActionResult::rejected(id, rejection));
        };
        let key = (definition.n, participant);
        let taken = || {
            let message = "this id is already another action's: send the action under a new id";
            Ok(ActionResult::rejected(id.clone(), Rejection::new(RejectCode::ActionIdTaken, message)))
        };
        let receipt_key = self.store.key();
        let rows = self.rows(tx, key.clone()).await?;
        // A receipt answers only the participant who sent the action, for
        // that very action: it proves the action was theirs.
        if let Some(earlier) = rows.rows.iter().find(|row| row.id == action.id.as_bytes()) {
            if !sent_again(receipt_key, signed, earlier)? {
                return taken();
            }
            return Ok(ActionResult::counted(action.id, ActionStatus::Duplicate, hex(&earlier.receipt)));
        }
        // Ballots stored under a code's hash belong to whoever holds the
        // code, which redeeming it checks ([`super::codes`]).
        let owner = self.owners.get(&(definition.n, action.id));
        if owner.is_some_and(|owner| *owner != key.1 && !matches!(owner, Participant::CodeHash(_))) {
            return taken();
        }
        let consultation = &definition.consultation;
        if let Err(rejection) = admit(consultation, action, received.code.is_some(), received.at) {
            return Ok(ActionResult::rejected(id, rejection));
        }
        if let Some(rejection) = self.missing_reference(&definition, action, received.participant) {
            return Ok(ActionResult::rejected(id, rejection));
        }
        if let Some(code) = code {
            match redeem(tx, self.store.key(), &definition, &code, received.participant, received.at).await? {
                Redemption::Refused(rejection) => return Ok(ActionResult::rejected(id, rejection)),
                Redemption::Voter { moved: true } => {
                    // Rows that stood under the code's hash now stand
                    // under the voter: read them as they now are.
                    let staged = self.participants.remove(&key).map(|rows| rows.rows.into_iter().skip(rows.stored));
                    self.rows(tx, key.clone()).await?.rows.extend(staged.into_iter().flatten());
                }
                Redemption::Voter { moved: false } => {}
            }
        }
        self.stage(tx, &definition, key, received, signed).await?;
        Ok(ActionResult::counted(action.id, ActionStatus::Accepted, hex(&signed.receipt)))
    }

    /// The rules that need storage besides codes: the comment replied or
    /// reacted to exists in the same consultation, and a new comment's id
    /// is not another's. `Some`: why the action is refused.
    fn missing_reference(&self, definition: &Definition, action: &Action, device: Uuid) -> Option<Rejection> {
        let (referred, new) = match &action.kind {
            ActionKind::Comment { reply_to, .. } => (*reply_to, Some(action.id)),
            ActionKind::Reaction { comment, .. } => (Some(*comment), None),
            _ => return None,
        };
        if let Some(taken) = new.and_then(|id| self.comments.get(&id)) {
            if taken.1 != device || taken.0 != definition.n {
                return Some(Rejection::new(RejectCode::InvalidAction, "another comment has this id"));
            }
        }
        let comment = referred?;
        match self.comments.get(&comment) {
            Some((consultation, _)) if *consultation == definition.n => None,
            _ => Some(Rejection::new(RejectCode::UnknownComment, format!("there is no comment {comment} here"))),
        }
    }

    /// Stages an admitted action: its row, what it changes of the standing
    /// ballots and the counters, and its comment or reaction.
    async fn stage(
        &mut self,
        tx: &mut Tx,
        definition: &Definition,
        key: (i64, Participant),
        received: &Received,
        signed: &Signed,
    ) -> Result<(), StoreError> {
        let action = &signed.action;
        let received_at = millis(received.at);
        let kind = Kind::of(&action.kind);
        let item = match &action.kind {
            ActionKind::Ballot { item, .. } | ActionKind::Feedback { item, .. } => Some(
                definition.item(item).ok_or_else(|| StoreError::unreadable(format!("the number of item {item}")))?,
            ),
            _ => None,
        };
        let mut row = Row {
            id: action.id.as_bytes().to_vec(),
            kind: kind as i16,
            item,
            standing: None,
            content: signed.content.clone(),
            cast_at: match &action.kind {
                ActionKind::Ballot { cast_at, .. } => cast_at.map(millis),
                _ => None,
            },
            received_at,
            receipt: signed.receipt.to_vec(),
            channel: stored_channel(received.channel),
        };
        let consultation = definition.n;
        let today = day(received.at);
        self.counters.days.entry((consultation, today.clone())).or_default().1 += 1;
        self.rows(tx, key.clone()).await?;
        self.owners.entry((consultation, action.id)).or_insert_with(|| key.1.clone());
        let Group { participants, counters, .. } = self;
        let rows = participants.entry(key).or_default();
        // Ballots and useful-marks, which name an item, stand.
        if let Some(item) = item {
            let counted_before = rows.rows.iter().any(|row| Kind::from_stored(row.kind).is_ok_and(Kind::stands));
            let stored = rows.stored;
            let standing =
                rows.rows.iter_mut().enumerate().find(|(_, row)| row.item == Some(item) && row.standing == Some(true));
            let keeps_profile = definition.keeps_profile(item);
            match standing {
                // An older ballot that arrived late: kept, not counted over the newer one.
                Some((_, newer)) if newer.cast() > row.cast() => row.standing = Some(false),
                Some((index, older)) => {
                    for key in older.tally_keys()? {
                        *counters.tallies.entry((item, key)).or_default() -= 1;
                    }
                    let moved = counters.items.entry(item).or_default();
                    if keeps_profile {
                        *moved.profile.entry(older.counted_as()?).or_default() -= 1;
                    }
                    older.standing = Some(false);
                    if index < stored {
                        rows.replaced.push(older.id.clone());
                    }
                    row.standing = Some(true);
                }
                None => {
                    counters.items.entry(item).or_default().ballots += 1;
                    if !counted_before {
                        *counters.participants.entry(consultation).or_default() += 1;
                        counters.days.entry((consultation, today)).or_default().0 += 1;
                    }
                    row.standing = Some(true);
                }
            }
            if row.standing == Some(true) {
                for key in row.tally_keys()? {
                    *counters.tallies.entry((item, key)).or_default() += 1;
                }
                if keeps_profile {
                    *counters.items.entry(item).or_default().profile.entry(row.counted_as()?).or_default() += 1;
                }
            }
        }
        if kind == Kind::Profile {
            // The newest answers replace the ones given before.
            let stored = rows.stored;
            let previous = rows
                .rows
                .iter_mut()
                .enumerate()
                .find(|(_, row)| row.kind == Kind::Profile as i16 && row.standing == Some(true));
            if let Some((index, previous)) = previous {
                previous.standing = Some(false);
                if index < stored {
                    rows.replaced.push(previous.id.clone());
                }
            }
            row.standing = Some(true);
        }
        rows.rows.push(row);
        match &action.kind {
            ActionKind::Comment { item, reply_to, body, language } => {
                self.comments.insert(action.id, (consultation, received.participant));
                self.new_comments.push(NewComment {
                    id: action.id,
                    consultation,
                    item: item.clone(),
                    reply_to: *reply_to,
                    participant: received.participant,
                    body: body.clone(),
                    language: language.clone(),
                    created_at: received_at,
                });
            }
            ActionKind::Reaction { comment, value } => {
                self.reactions.push((*comment, received.participant, *value));
            }
            _ => {}
        }
        Ok(())
    }

    /// Writes what the transaction staged: new rows, replaced ballots,
    /// comments and reactions, then the counters, each kind in key order.
    async fn flush(self, tx: &mut Tx) -> Result<(), StoreError> {
        let mut new_rows: Vec<(i64, Vec<u8>, &Row)> = Vec::new();
        for ((consultation, participant), rows) in &self.participants {
            let participant = participant.to_bytes();
            for id in &rows.replaced {
                on!(tx, |c| sqlx::query(
                    "UPDATE actions SET standing = FALSE WHERE consultation = $1 AND participant = $2 AND id = $3"
                )
                .bind(consultation)
                .bind(&participant)
                .bind(id)
                .execute(c)
                .await
                .map(|done| done.rows_affected()))?;
            }
            for row in rows.rows.iter().skip(rows.stored) {
                new_rows.push((*consultation, participant.clone(), row));
            }
        }
        for chunk in new_rows.chunks(1000) {
            on!(tx, |c| {
                let mut query = QueryBuilder::new(
                    "INSERT INTO actions
                     (consultation, participant, id, kind, item, standing, content, cast_at, received_at, receipt,
                      channel) ",
                );
                query.push_values(chunk, |mut values, (consultation, participant, row)| {
                    values
                        .push_bind(*consultation)
                        .push_bind(participant.as_slice())
                        .push_bind(row.id.as_slice())
                        .push_bind(row.kind)
                        .push_bind(row.item)
                        .push_bind(row.standing)
                        .push_bind(row.content.as_deref())
                        .push_bind(row.cast_at)
                        .push_bind(row.received_at)
                        .push_bind(row.receipt.as_slice())
                        .push_bind(row.channel);
                });
                query.build().execute(c).await.map(|done| done.rows_affected())
            })?;
        }
        for comment in &self.new_comments {
            on!(tx, |c| sqlx::query(
                "INSERT INTO comments (id, consultation, item, reply_to, participant, body, language, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(comment.id.as_bytes().as_slice())
            .bind(comment.consultation)
            .bind(&comment.item)
            .bind(comment.reply_to.map(|id| id.as_bytes().to_vec()))
            .bind(comment.participant.as_bytes().as_slice())
            .bind(&comment.body)
            .bind(&comment.language)
            .bind(comment.created_at)
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
        }
        for (comment, participant, value) in &self.reactions {
            on!(tx, |c| sqlx::query(
                "INSERT INTO reactions (comment, participant, value) VALUES ($1, $2, $3)
                 ON CONFLICT (comment, participant) DO UPDATE SET value = excluded.value",
            )
            .bind(comment.as_bytes().as_slice())
            .bind(participant.as_bytes().as_slice())
            .bind(value.as_str())
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
        }
        self.counters.write(tx).await
    }
}

/// Adds `($1, $2, …)` to `query`, each the bytes of one of `ids`.
fn push_ids<'q, DB>(query: &mut QueryBuilder<'q, DB>, ids: &[Uuid])
where
    DB: sqlx::Database,
    Vec<u8>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query.push("(");
    let mut separated = query.separated(", ");
    for id in ids {
        separated.push_bind(id.as_bytes().to_vec());
    }
    query.push(")");
}

/// A stored row with the keys it was read by.
#[derive(sqlx::FromRow)]
struct ParticipantRow {
    consultation: i64,
    participant: Vec<u8>,
    #[sqlx(flatten)]
    row: Row,
}

/// `INSERT … VALUES (…), (…) ON CONFLICT …` of every row of `$rows`, a
/// thousand at a time, each row's values bound by `$push` (written once,
/// compiled for each database).
macro_rules! upsert {
    ($tx:expr, $insert:expr, $rows:expr, $on_conflict:expr, |$values:ident, $row:pat_param| $push:expr) => {
        for chunk in $rows.chunks(1000) {
            on!($tx, |c| {
                let mut query = QueryBuilder::new($insert);
                query.push_values(chunk, |mut $values, $row| {
                    $push;
                });
                query.push(" ").push($on_conflict);
                query.build().execute(c).await.map(drop)
            })?;
        }
    };
}

impl Counters {
    /// Writes the counters, one statement per table (a thousand rows at a
    /// time), each in key order.
    async fn write(&self, tx: &mut Tx) -> Result<(), StoreError> {
        // A new ballot adds one to its item's count; any change moves the
        // item's version, so that counts made before are made again.
        let items: Vec<(i64, i64)> = self.items.iter().map(|(item, change)| (*item, change.ballots)).collect();
        let mut versions: HashMap<i64, i64> = HashMap::new();
        for chunk in items.chunks(1000) {
            let moved: Vec<(i64, i64)> = on!(tx, |c| {
                let mut query = QueryBuilder::new("INSERT INTO item_stats (item, ballots, version) ");
                query.push_values(chunk, |mut values, (item, added)| {
                    values.push_bind(*item).push_bind(*added).push_bind(1i64);
                });
                query.push(
                    " ON CONFLICT (item) DO UPDATE
                     SET ballots = item_stats.ballots + excluded.ballots, version = item_stats.version + 1
                     RETURNING item, version",
                );
                query.build_query_as().fetch_all(c).await
            })?;
            versions.extend(moved);
        }
        // Each changed entry of a profile carries the version its item moved to.
        let mut profiles: Vec<(i64, &str, i64, i64)> = Vec::new();
        for (item, change) in &self.items {
            if change.profile.is_empty() {
                continue;
            }
            let version = versions
                .get(item)
                .copied()
                .ok_or_else(|| StoreError::unreadable(format!("the version item {item} moved to")))?;
            profiles.extend(change.profile.iter().map(|(ballot, delta)| (*item, ballot.as_str(), *delta, version)));
        }
        upsert!(
            tx,
            "INSERT INTO profiles (item, ballot, voters, version) ",
            profiles,
            "ON CONFLICT (item, ballot) DO UPDATE
             SET voters = profiles.voters + excluded.voters, version = excluded.version",
            |values, (item, ballot, delta, version)| values
                .push_bind(*item)
                .push_bind(*ballot)
                .push_bind(*delta)
                .push_bind(*version)
        );
        let tallies: Vec<(&(i64, String), &i64)> = self.tallies.iter().filter(|(_, delta)| **delta != 0).collect();
        upsert!(
            tx,
            "INSERT INTO tallies (item, key, count) ",
            tallies,
            "ON CONFLICT (item, key) DO UPDATE SET count = tallies.count + excluded.count",
            |values, ((item, key), delta)| values.push_bind(*item).push_bind(key.as_str()).push_bind(**delta)
        );
        let participants: Vec<(i64, i64)> = self.participants.iter().map(|(n, added)| (*n, *added)).collect();
        upsert!(
            tx,
            "INSERT INTO consultation_stats (consultation, participants) ",
            participants,
            "ON CONFLICT (consultation) DO UPDATE
             SET participants = consultation_stats.participants + excluded.participants",
            |values, (consultation, added)| values.push_bind(*consultation).push_bind(*added)
        );
        let days: Vec<_> = self.days.iter().collect();
        upsert!(
            tx,
            "INSERT INTO daily_stats (consultation, day, participants, actions) ",
            days,
            "ON CONFLICT (consultation, day) DO UPDATE
             SET participants = daily_stats.participants + excluded.participants,
                 actions = daily_stats.actions + excluded.actions",
            |values, ((consultation, day), (participants, actions))| values
                .push_bind(*consultation)
                .push_bind(day.as_str())
                .push_bind(*participants)
                .push_bind(*actions)
        );
        Ok(())
    }
}

/// Whom an action is stored under and a ballot counts for: the
/// participation code's voter for ballots in `codes` consultations (see
/// [`super::codes`]; never the device, which the code's own row holds), the
/// device everywhere else; with the code, as core normalizes it, for a
/// ballot that counts for a code's voter. `None`: a code that is no code at
/// all.
fn participant(
    key: &ReceiptKey,
    definition: &Definition,
    received: &Received,
    action: &Action,
) -> Option<(Participant, Option<String>)> {
    let consultation = &definition.consultation;
    match (&action.kind, &received.code) {
        (ActionKind::Ballot { .. } | ActionKind::Profile { .. }, Some(code))
            if consultation.eligibility == Eligibility::Codes =>
        {
            let code = codes::normalize(code)?;
            Some((Participant::Voter(key.code_voter(&consultation.id, &code)), Some(code)))
        }
        _ => Some((Participant::Device(received.participant), None)),
    }
}

/// With PostgreSQL, takes in one statement and in order the transaction-scoped
/// advisory lock of each (consultation, participant), so that two servers
/// never check one participant's actions at once and no two transactions
/// wait for each other's locks in a circle.
async fn lock_participants(tx: &mut Tx, participants: &[(i64, Participant)]) -> Result<(), StoreError> {
    let mut keys: Vec<i64> = participants
        .iter()
        .map(|(consultation, participant)| {
            let mut hash = Sha256::new();
            hash.update(consultation.to_be_bytes());
            hash.update(participant.to_bytes());
            let [a, b, c, d, e, f, g, h, ..] = <[u8; 32]>::from(hash.finalize());
            i64::from_be_bytes([a, b, c, d, e, f, g, h])
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    if let (Tx::Postgres(tx), false) = (tx, keys.is_empty()) {
        sqlx::query("SELECT pg_advisory_xact_lock(key) FROM unnest($1::bigint[]) AS key ORDER BY key")
            .bind(&keys)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
