console.log('citelens');
