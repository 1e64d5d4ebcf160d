"""三单制 (Suiyang): branch menus, household orders, party members' claims."""
