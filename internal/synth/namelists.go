package synth

// Name pools for the world generator. Given names and surnames come from
// public lists of common names (ONS baby-name tables for England and Wales,
// surname frequency lists, and the commonest names of the communities that
// live in English towns); combinations of them point at nobody. Places are
// invented. Each pool is a naming tradition, not an ethnicity: a person's
// recorded ethnicity is drawn separately (see people.go), because the two
// often differ.

type namePool struct {
	girls, boys []string // given names of children (and of younger adults)
	women, men  []string // given names of adults born before about 1990
	surnames    []string
	// polishForms: women take the -ska/-cka form of -ski/-cki surnames.
	polishForms bool
	// muslimMiddle: many men are registered "Mohammed <name> <surname>" and
	// known by the middle name, which is a classic linking trap.
	muslimMiddle bool
}

var (
	poolEnglish = &namePool{
		girls: []string{
			"Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
			"Grace", "Freya", "Ella", "Evie", "Poppy", "Chloe", "Jessica", "Emily", "Lucy", "Holly",
			"Megan", "Charlotte", "Hannah", "Leah", "Courtney", "Jade", "Kayleigh", "Bethany", "Lauren", "Shannon",
			"Paige", "Chelsea", "Amber", "Danielle", "Rebecca", "Samantha", "Natasha", "Abigail", "Ellie", "Sophie",
			"Stacey", "Jodie", "Kirsty", "Demi", "Tia", "Niamh", "Caitlin", "Zoe", "Millie", "Katie",
		},
		boys: []string{
			"Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Archie", "Jack", "Charlie",
			"Jacob", "Thomas", "Alfie", "Joshua", "James", "William", "Daniel", "Ryan", "Liam", "Callum",
			"Kai", "Tyler", "Connor", "Jordan", "Reece", "Luke", "Kieran", "Bradley", "Nathan", "Jamie",
			"Lewis", "Dylan", "Ethan", "Samuel", "Matthew", "Joseph", "Benjamin", "Jake", "Kyle", "Owen",
		},
		women: []string{
			"Sarah", "Claire", "Helen", "Rachel", "Emma", "Joanne", "Nicola", "Karen", "Louise", "Amanda",
			"Michelle", "Lisa", "Tracey", "Dawn", "Julie", "Donna", "Kelly", "Victoria", "Leanne", "Natalie",
			"Gemma", "Kerry", "Stephanie", "Jennifer", "Angela", "Deborah", "Susan", "Jane", "Joanna", "Vicky",
		},
		men: []string{
			"David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Simon", "Gary", "Darren", "Lee",
			"Wayne", "Craig", "Dean", "Jason", "Carl", "Shaun", "Martin", "Neil", "Ian", "Kevin",
			"Scott", "Anthony", "Christopher", "Michael", "Matthew", "Daniel", "James", "Robert", "John", "Steven",
		},
		surnames: []string{
			"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
			"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
			"Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
			"Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "Mitchell",
			"Shaw", "Parker", "Bennett", "Matthews", "Marshall", "Stevens", "Dixon", "Atkinson", "Holmes", "Fletcher",
			"Barker", "Booth", "Kelly", "Macdonald", "Reid", "Phillips", "Gray", "Chapman", "Brooks", "Hudson",
		},
	}
	poolSouthAsianMuslim = &namePool{
		girls: []string{
			"Aisha", "Zara", "Maryam", "Fatima", "Zainab", "Amina", "Hafsa", "Khadija", "Sana", "Iqra",
			"Noor", "Hira", "Mehwish", "Alisha", "Anisa", "Sumaya", "Safa", "Yasmin", "Rabia", "Nadia",
		},
		boys: []string{
			"Mohammed", "Ibrahim", "Adam", "Yusuf", "Zain", "Ali", "Hamza", "Bilal", "Imran", "Tariq",
			"Usman", "Omar", "Haris", "Arslan", "Kashif", "Shahid", "Asif", "Sajid", "Zubair", "Adnan",
			"Amir", "Rizwan", "Faisal", "Nasir", "Abdul", "Waseem", "Naveed", "Aamir", "Shoaib", "Umar",
		},
		women: []string{
			"Shazia", "Nasreen", "Farzana", "Rukhsana", "Shabana", "Parveen", "Samina", "Nadia", "Fatima", "Razia",
		},
		men: []string{
			"Mohammed", "Tariq", "Imran", "Shahid", "Asif", "Arshad", "Javed", "Zafar", "Khalid", "Sajid",
			"Rashid", "Abdul", "Nadeem", "Kashif", "Zubair", "Mahmood", "Aftab", "Iqbal", "Adnan", "Naveed",
		},
		surnames: []string{
			"Khan", "Ali", "Hussain", "Ahmed", "Shah", "Iqbal", "Mahmood", "Akhtar", "Rehman", "Butt",
			"Qureshi", "Malik", "Rashid", "Aslam", "Javed", "Raza", "Yousaf", "Bashir", "Riaz", "Sadiq",
			"Begum", "Miah", "Uddin", "Islam", "Rahman", "Choudhury", "Hoque",
		},
		muslimMiddle: true,
	}
	poolSouthAsianOther = &namePool{
		girls: []string{"Priya", "Simran", "Anjali", "Harpreet", "Jasleen", "Kiran", "Navpreet", "Amrit", "Riya", "Divya"},
		boys:  []string{"Arjun", "Rohan", "Harjit", "Gurpreet", "Ravi", "Sanjay", "Jaspreet", "Manpreet", "Vikram", "Aarav"},
		women: []string{"Sunita", "Anita", "Rajinder", "Kulwinder", "Manjit", "Parminder", "Meena", "Nisha"},
		men:   []string{"Rajesh", "Sukhdev", "Harjinder", "Baljit", "Sunil", "Ashok", "Kuldip", "Paramjit"},
		surnames: []string{
			"Singh", "Kaur", "Patel", "Sharma", "Gill", "Sandhu", "Sidhu", "Kumar", "Dhillon", "Bains", "Chauhan", "Mistry",
		},
	}
	poolPolish = &namePool{
		girls: []string{"Zuzanna", "Julia", "Maja", "Oliwia", "Wiktoria", "Natalia", "Aleksandra", "Zofia", "Lena", "Kinga"},
		boys:  []string{"Jakub", "Kacper", "Szymon", "Filip", "Mateusz", "Bartosz", "Dawid", "Kamil", "Oskar", "Igor"},
		women: []string{"Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Monika", "Anna", "Ewa", "Beata"},
		men:   []string{"Piotr", "Tomasz", "Pawel", "Marcin", "Krzysztof", "Wojciech", "Grzegorz", "Lukasz"},
		surnames: []string{
			"Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski", "Szymanski",
			"Wozniak", "Dabrowski", "Kozlowski", "Mazur", "Krawczyk", "Kaczmarek",
		},
		polishForms: true,
	}
	poolRomanian = &namePool{
		girls:    []string{"Elena", "Ioana", "Andreea", "Maria", "Bianca", "Denisa", "Alexandra", "Roxana"},
		boys:     []string{"Andrei", "Ionut", "Alexandru", "Stefan", "Florin", "Marian", "Denis", "Daniel"},
		women:    []string{"Mihaela", "Gabriela", "Florentina", "Daniela", "Mirela"},
		men:      []string{"Gheorghe", "Vasile", "Constantin", "Nicolae", "Marius", "Costel"},
		surnames: []string{"Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Radu", "Horvath", "Lakatos", "Balog", "Kovac", "Sarkozi"},
	}
	poolIrish = &namePool{
		girls:    []string{"Ciara", "Aoife", "Niamh", "Siobhan", "Orla", "Roisin", "Bridget", "Mary", "Shannon", "Erin"},
		boys:     []string{"Sean", "Conor", "Liam", "Patrick", "Michael", "Declan", "Cian", "Eoin", "Martin", "John"},
		women:    []string{"Margaret", "Bridget", "Mary", "Kathleen", "Siobhan", "Theresa"},
		men:      []string{"Patrick", "Michael", "John", "Thomas", "Martin", "Francis"},
		surnames: []string{"Murphy", "Kelly", "O'Brien", "Ryan", "Byrne", "O'Neill", "Doyle", "McCarthy", "McDonagh", "Doherty", "Connors", "Quinn"},
	}
	poolAfrican = &namePool{
		girls:    []string{"Blessing", "Precious", "Chioma", "Favour", "Amara", "Hodan", "Fadumo", "Ayan", "Abena", "Esther"},
		boys:     []string{"Emmanuel", "David", "Samuel", "Chinedu", "Kwame", "Tobi", "Abdi", "Mohamed", "Daniel", "Joshua"},
		women:    []string{"Grace", "Comfort", "Ngozi", "Funmi", "Halima", "Sahra", "Mercy", "Adwoa"},
		men:      []string{"Emmanuel", "Oluwaseun", "Chukwuemeka", "Kofi", "Abdullahi", "Ahmed", "Joseph", "Festus"},
		surnames: []string{"Okafor", "Adeyemi", "Mensah", "Osei", "Okonkwo", "Adebayo", "Abdi", "Mohamed", "Hassan", "Warsame", "Farah", "Asante"},
	}
	poolCaribbean = &namePool{
		girls:    []string{"Shanice", "Tia", "Aaliyah", "Jada", "Keisha", "Chantelle", "Simone", "Jasmine"},
		boys:     []string{"Tyrone", "Marcus", "Jerome", "Jermaine", "Andre", "Kemar", "Darnell", "Leon"},
		women:    []string{"Marcia", "Paulette", "Sonia", "Yvonne", "Beverley", "Claudette"},
		men:      []string{"Winston", "Delroy", "Errol", "Clive", "Trevor", "Lloyd"},
		surnames: []string{"Campbell", "Brown", "Williams", "Grant", "Francis", "Clarke", "Reid", "Gordon", "Thomas", "Henry", "Bailey", "Walters"},
	}
	poolChinese = &namePool{
		girls:    []string{"Mei", "Lin", "Ling", "Xin", "Yan", "Hui"},
		boys:     []string{"Wei", "Jun", "Hao", "Ming", "Jian", "Kai"},
		women:    []string{"Li", "Hong", "Ying", "Fang"},
		men:      []string{"Wei", "Jian", "Guo", "Bo"},
		surnames: []string{"Li", "Wang", "Chen", "Zhang", "Liu", "Wong", "Chan", "Cheung", "Lam", "Ng"},
	}
	poolArab = &namePool{
		girls:    []string{"Layla", "Yasmin", "Mariam", "Rania", "Huda", "Salma", "Nour", "Dana"},
		boys:     []string{"Omar", "Ahmed", "Yousef", "Karim", "Hassan", "Ali", "Rebwar", "Hiwa"},
		women:    []string{"Samira", "Leila", "Amal", "Fatima", "Zahra"},
		men:      []string{"Ahmed", "Mahmoud", "Khalid", "Saleh", "Kamal", "Azad"},
		surnames: []string{"Hassan", "Ibrahim", "Saleh", "Karim", "Ahmed", "Abdullah", "Mustafa", "Aziz", "Rashid", "Salih"},
	}
)

// nameVariants groups spellings that agencies use for one name: the
// transliterations of Arabic, Urdu and Bengali names, diacritics that one
// system keeps and another drops, and English spelling habits. The first
// entry of each group is not privileged: any member may be the true name.
var nameVariants = [][]string{
	{"Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad", "Mahomed"},
	{"Mohamed", "Mohammed", "Muhammad", "Mohamud"},
	{"Hussain", "Hussein", "Husain", "Hossain"},
	{"Ahmed", "Ahmad", "Ahmet"},
	{"Mahmood", "Mahmud", "Mehmood", "Mahmoud"},
	{"Rehman", "Rahman", "Rehmann"},
	{"Qureshi", "Kureshi", "Qureishi"},
	{"Yousaf", "Yusuf", "Yousef", "Yusef", "Youssef"},
	{"Yusuf", "Yousaf", "Yousef", "Yusef"},
	{"Ibrahim", "Ebrahim", "Ibraheem"},
	{"Abdul", "Abdool", "Abdel"},
	{"Tariq", "Tarik", "Tareq"},
	{"Shahid", "Shaheed", "Shahed"},
	{"Bashir", "Basheer"},
	{"Rashid", "Rasheed", "Rashed"},
	{"Javed", "Javaid", "Jawed"},
	{"Iqbal", "Ikbal", "Iqbaal"},
	{"Usman", "Osman", "Uthman"},
	{"Umar", "Omar", "Omer"},
	{"Omar", "Umar", "Omer"},
	{"Zubair", "Zubeir", "Zobair"},
	{"Waseem", "Wasim", "Waseam"},
	{"Naveed", "Navid", "Naveid"},
	{"Aamir", "Amir", "Aamer"},
	{"Amir", "Aamir", "Ameer"},
	{"Aisha", "Ayesha", "Aysha", "Aishah"},
	{"Zainab", "Zaynab", "Zeinab"},
	{"Fatima", "Fatimah", "Fatma"},
	{"Khadija", "Khadijah", "Khadeeja"},
	{"Maryam", "Mariam", "Miriam"},
	{"Mariam", "Maryam", "Miriam"},
	{"Amina", "Aminah", "Ameena"},
	{"Noor", "Nur", "Noori"},
	{"Begum", "Begam", "Begom"},
	{"Uddin", "Udin", "Uddeen"},
	{"Miah", "Mia", "Miya"},
	{"Choudhury", "Chowdhury", "Chaudhry", "Choudhry"},
	{"Hoque", "Haque", "Hoq"},
	{"Rizwan", "Rizwaan", "Ridwan"},
	{"Kowalski", "Kowalsky"},
	{"Wojcik", "Wójcik", "Woycik"},
	{"Wisniewski", "Wiśniewski", "Wishnevski"},
	{"Lewandowski", "Levandovski"},
	{"Szymanski", "Szymański", "Shimanski"},
	{"Zielinski", "Zieliński", "Zelinski"},
	{"Kaminski", "Kamiński", "Kaminsky"},
	{"Kozlowski", "Kozłowski", "Kozlowsky"},
	{"Wozniak", "Woźniak", "Vozniak"},
	{"Dabrowski", "Dąbrowski", "Dombrowski"},
	{"Pawel", "Paweł", "Pavel"},
	{"Lukasz", "Łukasz", "Lucas"},
	{"Nowak", "Novak"},
	{"Ionut", "Ionuț"},
	{"Stefan", "Ștefan", "Stephan"},
	{"Popescu", "Popesku"},
	{"Horvath", "Horváth", "Horvat"},
	{"Balog", "Balogh"},
	{"Kovac", "Kováč", "Kovacs"},
	{"Sarkozi", "Sarkozy", "Šarközi"},
	{"Abdi", "Abdy"},
	{"Abdullahi", "Abdulahi", "Abdillahi"},
	{"Hassan", "Hasan", "Hassen"},
	{"Warsame", "Warsama"},
	{"Layla", "Leila", "Laila", "Leyla"},
	{"Yasmin", "Yasmine", "Yazmin"},
	{"Karim", "Kareem"},
	{"Kayleigh", "Kayley", "Kaylee", "Kayleah", "Caleigh"},
	{"Courtney", "Kourtney", "Cortney"},
	{"Leah", "Lea", "Lia"},
	{"Chloe", "Chloé", "Cloe"},
	{"Zoe", "Zoë", "Zoey"},
	{"Sophie", "Sofie"},
	{"Sophia", "Sofia"},
	{"Isabella", "Isabela"},
	{"Megan", "Meghan", "Meagan"},
	{"Jade", "Jayde"},
	{"Jodie", "Jody", "Jodi"},
	{"Stacey", "Stacy", "Staci"},
	{"Demi", "Demie"},
	{"Tia", "Tiah"},
	{"Niamh", "Neve", "Neave"},
	{"Siobhan", "Shevaun", "Chevonne"},
	{"Caitlin", "Katelyn", "Kaitlyn"},
	{"Shannon", "Shanon"},
	{"Bethany", "Bethanie"},
	{"Lily", "Lilly", "Lillie"},
	{"Ellie", "Elly", "Elli"},
	{"Katie", "Katy", "Katey"},
	{"Vicky", "Vikki", "Vickie"},
	{"Stephen", "Steven"},
	{"Steven", "Stephen"},
	{"Reece", "Reese", "Rhys"},
	{"Connor", "Conor"},
	{"Conor", "Connor"},
	{"Kieran", "Kieron", "Ciaran"},
	{"Callum", "Calum"},
	{"Tyler", "Tylor"},
	{"Sean", "Shaun", "Shawn"},
	{"Shaun", "Sean", "Shawn"},
	{"Jermaine", "Germaine"},
	{"Thompson", "Thomson"},
	{"Clarke", "Clark"},
	{"Clark", "Clarke"},
	{"Davies", "Davis"},
	{"Matthews", "Mathews"},
	{"Macdonald", "McDonald", "MacDonald"},
	{"O'Neill", "O'Neil", "ONeill", "O Neill"},
	{"O'Brien", "OBrien", "O Brien"},
	{"McDonagh", "McDonough", "MacDonagh"},
	{"Smith", "Smyth"},
	{"Reid", "Reed", "Read"},
	{"Gray", "Grey"},
	{"Brown", "Browne"},
	{"Phillips", "Philips"},
	{"Stevens", "Stephens"},
	{"Allen", "Allan"},
	{"Campbell", "Cambell"},
	{"Wong", "Huang"},
	{"Chan", "Chen"},
	{"Lee", "Li"},
	{"Cheung", "Zhang"},
}

// nicknames are the informal names that schools, friends and young people
// use. Offenders are more often known by street names (streetNames).
var nicknames = [][]string{
	{"Mohammed", "Mo", "Moh", "Mohd"},
	{"Muhammad", "Mo", "Moh"},
	{"Ibrahim", "Ibby", "Ibi"},
	{"Imran", "Immy"},
	{"Abdul", "Abs"},
	{"Usman", "Ozzy"},
	{"Tariq", "Taz"},
	{"Shahid", "Shaz"},
	{"Zubair", "Zubi"},
	{"Adnan", "Addy"},
	{"Kashif", "Kash"},
	{"Sajid", "Saj"},
	{"Asif", "Az"},
	{"Arslan", "Arsi"},
	{"Hamza", "Hamz"},
	{"Bilal", "Bill"},
	{"Rizwan", "Riz"},
	{"Faisal", "Fez"},
	{"Naveed", "Nav"},
	{"Waseem", "Waz"},
	{"Daniel", "Dan", "Danny"},
	{"Thomas", "Tom", "Tommy"},
	{"William", "Will", "Billy"},
	{"James", "Jim", "Jamie"},
	{"Joshua", "Josh"},
	{"Jacob", "Jake"},
	{"Callum", "Cal"},
	{"Kieran", "Kez"},
	{"Connor", "Con"},
	{"Tyler", "Ty"},
	{"Jordan", "Jord"},
	{"Oliver", "Ollie", "Olly"},
	{"Samuel", "Sam", "Sammy"},
	{"Matthew", "Matt"},
	{"Christopher", "Chris"},
	{"Michael", "Mike", "Mikey"},
	{"Anthony", "Tony", "Ant"},
	{"Nathan", "Nate"},
	{"Benjamin", "Ben"},
	{"Bradley", "Brad"},
	{"Joseph", "Joe"},
	{"Lewis", "Lew"},
	{"Richard", "Rich", "Dick"},
	{"Stephen", "Steve"},
	{"Steven", "Steve"},
	{"Andrew", "Andy"},
	{"David", "Dave"},
	{"Darren", "Daz"},
	{"Kevin", "Kev"},
	{"Jessica", "Jess"},
	{"Rebecca", "Becky", "Becca"},
	{"Charlotte", "Lottie", "Charlie"},
	{"Samantha", "Sam", "Sammy"},
	{"Kayleigh", "Kay", "Kayls"},
	{"Courtney", "Court"},
	{"Natasha", "Tash"},
	{"Victoria", "Vicky", "Tori"},
	{"Jennifer", "Jen", "Jenny"},
	{"Danielle", "Dani"},
	{"Stephanie", "Steph"},
	{"Abigail", "Abi", "Abbie"},
	{"Amelia", "Millie"},
	{"Isabella", "Izzy", "Bella"},
	{"Olivia", "Liv", "Livvy"},
	{"Megan", "Meg"},
	{"Hannah", "Han"},
	{"Lauren", "Loz"},
	{"Bethany", "Beth"},
	{"Samina", "Sam"},
	{"Aisha", "Ash"},
	{"Zainab", "Zee"},
	{"Fatima", "Fati"},
	{"Maryam", "Mimi"},
	{"Jakub", "Kuba"},
	{"Wojciech", "Wojtek"},
	{"Piotr", "Piotrek"},
	{"Aleksandra", "Ola"},
	{"Katarzyna", "Kasia"},
	{"Zuzanna", "Zuza"},
	{"Alexandru", "Alex"},
	{"Oluwaseun", "Seun"},
	{"Chukwuemeka", "Emeka"},
	{"Emmanuel", "Manny"},
	{"Precious", "Presh"},
	{"Patrick", "Paddy", "Pat"},
	{"Siobhan", "Shiv"},
	{"Marcus", "Marky"},
	{"Jermaine", "Jay"},
}

// streetNames are invented nicknames by which young people know the men
// who exploit them; none is any real person's.
var streetNames = []string{
	"Boss", "Smiley", "Jinx", "Chips", "Tiny", "Biggie", "Shadow", "Ace", "Rocky", "Flash",
	"Slim", "Sonny", "Prince", "Kingy", "Bugsy", "Mac", "Dino", "Boxer", "Chef", "Driver",
	"Uncle", "Cuz", "Bruv", "Saint", "Spider", "Ghost", "Lucky", "Mint", "Magic", "Romeo",
}

// handleWords and handleTails make online handles; the combinations are
// invented and carry a number, as real handles usually do.
var handleWords = []string{
	"lil", "big", "real", "dark", "king", "boss", "smooth", "silent", "golden", "sweet",
	"wild", "lucky", "crazy", "cool", "baby", "young", "the", "mr", "xx", "its",
}
var handleTails = []string{
	"mo", "kid", "wolf", "rider", "prince", "boi", "star", "angel", "babe", "queen",
	"king", "g", "tiger", "bear", "fox", "dreamer", "player", "ninja", "vibes", "soul",
}

// Invented place-name parts. Localities and streets are combinations of
// these; postcodes are in area ZZ, which is never issued.
var placeStems = []string{
	"Kettle", "Brindle", "Cinder", "Gorse", "Heron", "Lantern", "Marrow", "Nettle", "Quill", "Sorrel",
	"Tansy", "Wyvern", "Yarrow", "Copper", "Flint", "Pewter", "Tallow", "Bracken", "Hollin", "Rowan",
	"Alder", "Birch", "Cress", "Dunnock", "Ember", "Fallow", "Gannet", "Hazel", "Ivy", "Juniper",
	"Kestrel", "Linnet", "Madder", "Nutmeg", "Osier", "Plover", "Ramson", "Sedge", "Teasel", "Umber",
	"Vetch", "Wren", "Yew", "Anvil", "Bobbin", "Clough", "Dyer", "Forge", "Garner", "Hopper",
	"Loom", "Mangle", "Nail", "Piper", "Ropery", "Spindle", "Tanner", "Wheel", "Sawyer", "Cooper",
	"Colliery", "Furnace", "Quarry", "Kiln", "Foundry", "Weaver", "Chapel", "Mill", "Canal", "Station",
}

var placeSuffixes = []string{"ford", "ley", "thorpe", "by", "field", "ton", "wick", "worth", "bridge", "moor", "dale", "ham", "gate", "cliffe", "holme"}

var streetTypes = []string{
	"Lane", "Road", "Street", "Avenue", "Close", "Court", "Walk", "Row", "Hill", "Place",
	"Terrace", "Crescent", "Drive", "Grove", "Way", "Gardens",
}

// Venue name parts, invented; chains and real businesses are avoided.
var takeawayNames = []string{
	"Golden Fry", "Star Grill", "Sunrise Fish Bar", "Chicken Spot", "Pizza Palace", "Royal Kebab House",
	"Express Grill", "Happy Garden", "Kings Kebabs", "Best Pizza", "Crispy Corner", "Night Bites",
	"Tasty Chicken", "Village Chippy", "Spice Hut", "Grill Master", "Diamond Pizza", "Moonlight Kebabs",
	"Flame Grill", "Golden Dragon", "Red Chilli", "Lucky Star Takeaway", "Burger Shack", "Peri Peri Hut",
}

var hotelNames = []string{
	"The Station Hotel", "Riverside Lodge", "The Grand Hotel", "Park View Hotel", "Ring Road Motel",
	"The Kings Arms Hotel", "Castle Guest House", "Canal Side Inn", "The Crown Hotel", "Moorland Lodge",
	"The Victoria Hotel", "Town Centre Guest House", "The Bridge Hotel", "Greenway Lodge",
}

var shishaNames = []string{"Cloud Nine Lounge", "Mirage Shisha Lounge", "Oasis Lounge", "Sultan Shisha Bar", "Velvet Lounge", "Desert Rose Lounge"}

var taxiNames = []string{"Star Cars", "A1 Taxis", "Central Private Hire", "Town Cars", "Ace Taxis", "Rapid Cars", "City Link Cars", "Premier Private Hire", "Direct Cars", "Swift Taxis", "Sapphire Cars", "Eagle Private Hire"}

var schoolSuffixes = []string{"Academy", "High School", "School", "Community School", "Catholic High School", "College"}

var networkCodeNames = []string{
	"Larch", "Juniper", "Hawthorn", "Blackthorn", "Elder", "Whitebeam", "Spruce", "Cedar", "Holly", "Aspen",
	"Hornbeam", "Linden", "Maple", "Poplar", "Sycamore", "Willow", "Beech", "Chestnut", "Damson", "Medlar",
}

// Vehicles that appear in a northern English town: private cars and the
// saloons and people carriers that private hire firms license.
var vehicleMakes = []struct {
	make   string
	models []string
	taxi   []string // models licensed as private hire
}{
	{"Toyota", []string{"Yaris", "Corolla", "Auris", "Avensis", "Prius"}, []string{"Prius", "Avensis", "Auris"}},
	{"Skoda", []string{"Fabia", "Octavia", "Superb"}, []string{"Octavia", "Superb"}},
	{"Volkswagen", []string{"Polo", "Golf", "Passat", "Touran"}, []string{"Passat", "Touran"}},
	{"Vauxhall", []string{"Corsa", "Astra", "Insignia", "Vectra", "Zafira"}, []string{"Insignia", "Vectra", "Zafira"}},
	{"Ford", []string{"Fiesta", "Focus", "Mondeo", "Galaxy"}, []string{"Mondeo", "Galaxy"}},
	{"BMW", []string{"1 Series", "3 Series", "5 Series", "X5"}, nil},
	{"Audi", []string{"A3", "A4", "A6"}, nil},
	{"Mercedes-Benz", []string{"A-Class", "C-Class", "E-Class", "Vito"}, []string{"E-Class", "Vito"}},
	{"Honda", []string{"Civic", "Accord", "Jazz"}, nil},
	{"Nissan", []string{"Micra", "Qashqai", "Primera"}, nil},
	{"Peugeot", []string{"206", "308", "406"}, nil},
	{"Kia", []string{"Ceed", "Sportage"}, []string{"Ceed"}},
	{"Hyundai", []string{"i30", "Tucson"}, []string{"i30"}},
	{"Seat", []string{"Ibiza", "Leon"}, nil},
	{"Renault", []string{"Clio", "Megane"}, nil},
}

// makeWritten gives the informal ways a make is written.
var makeWritten = map[string][]string{
	"Volkswagen":    {"VW", "Volkswagon", "V.W."},
	"Mercedes-Benz": {"Mercedes", "Merc", "Mercedes Benz"},
	"Vauxhall":      {"Vauxall", "Vaux"},
	"Toyota":        {"Toyata"},
	"Skoda":         {"Škoda", "Scoda"},
	"Peugeot":       {"Peugot", "Pugeot"},
	"Hyundai":       {"Hundai", "Hyundia"},
}

var colours = []string{"Silver", "Black", "Grey", "White", "Blue", "Red", "Dark Blue", "Green"}

// colourConfusions are the colours witnesses give for each true colour.
var colourConfusions = map[string][]string{
	"Silver": {"Grey", "silvery", "light grey"}, "Grey": {"Silver", "dark grey"}, "Black": {"Dark Blue", "dark coloured", "dark grey"},
	"White": {"cream", "light coloured"}, "Blue": {"Dark Blue", "navy"}, "Dark Blue": {"Black", "Blue", "navy"},
	"Red": {"maroon", "burgundy"}, "Green": {"dark green", "Grey"},
}
