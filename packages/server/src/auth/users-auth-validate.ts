/**
 * The `validate_doc_update` of settee's `_design/_auth` in `_users`: the rules of `user-doc-rules.ts` written as the
 * JavaScript a design document carries, so the engine runs them like any validator and clients reading the design
 * document see what guards the database (CouchDB keeps its own such function there). Same checks, same order, same
 * `forbidden` reasons as the native rules; the unit test beside this file holds the two to each other.
 */
export const AUTH_VALIDATE_DOC_UPDATE = `function (newDoc, oldDoc, userCtx, secObj) {
  // Settee's rules for the users database: the same as the server's native checks of user documents.
  function refuse(reason) {
    throw { forbidden: reason };
  }
  function strings(list) {
    return Array.isArray(list) ? list.filter(function (item) { return typeof item === 'string'; }) : [];
  }
  var userRoles = strings(userCtx.roles);
  var serverAdmin = userRoles.indexOf('_admin') !== -1;
  function listed(group) {
    if (!group || typeof group !== 'object') return false;
    if (userCtx.name !== null && strings(group.names).indexOf(userCtx.name) !== -1) return true;
    var groupRoles = strings(group.roles);
    return userRoles.some(function (role) { return groupRoles.indexOf(role) !== -1; });
  }
  var dbAdmin = serverAdmin || listed(secObj && secObj.admins);

  if (newDoc._deleted === true) {
    // A deletion is judged on who deletes, not on the fields.
    var owner = oldDoc && oldDoc.name !== undefined ? oldDoc.name : null;
    if (serverAdmin || !oldDoc || owner === userCtx.name) return;
    refuse('Only admins may delete other user docs.');
  }

  if (newDoc.type !== 'user') refuse('doc.type must be user');
  var name = newDoc.name;
  if (typeof name !== 'string' || name === '') refuse('doc.name is required');
  var roles = newDoc.roles;
  if (!roles) refuse('doc.roles must exist');
  if (!Array.isArray(roles)) refuse('doc.roles must be an array');
  roles.forEach(function (role) {
    if (typeof role !== 'string') refuse('doc.roles can only contain strings');
  });
  if (newDoc._id !== 'org.couchdb.user:' + name) refuse('Doc ID must be of the form org.couchdb.user:name');
  if (oldDoc && oldDoc.name !== name) refuse('Usernames can not be changed.');

  if (newDoc.password_sha && !newDoc.salt) {
    refuse('Users with password_sha must have a salt.See /_utils/script/couch.js for example code.');
  }
  var scheme = newDoc.password_scheme;
  if (scheme && ['simple', 'pbkdf2', 'simple+pbkdf2'].indexOf(scheme) === -1) {
    refuse('Password scheme \`' + scheme + '\` not supported.');
  }
  if (scheme === 'pbkdf2') {
    if (typeof newDoc.iterations !== 'number') refuse('iterations must be a number.');
    if (typeof newDoc.derived_key !== 'string') refuse('derived_key must be a string.');
  }

  if (!dbAdmin) {
    if (oldDoc) {
      if (userCtx.name !== name) refuse('You may only update your own user document.');
      var before = (Array.isArray(oldDoc.roles) ? oldDoc.roles.slice() : []).sort();
      var after = roles.slice().sort();
      var same = before.length === after.length && before.every(function (role, i) { return role === after[i]; });
      if (!same) refuse('Only _admin may edit roles');
    } else if (roles.length > 0) {
      refuse('Only _admin may set roles');
    }
  }

  roles.forEach(function (role) {
    if (role !== '_metrics' && role.charAt(0) === '_') refuse('No system roles (starting with underscore) in users db.');
  });
  if (name.charAt(0) === '_') refuse('Username may not start with underscore.');
  if (name.indexOf(':') !== -1) refuse('Character \`:\` is not allowed in usernames.');
}`;
